package io.herald.router.health;

import java.time.Duration;
import java.util.Optional;

/**
 * When a failing webhook is disabled. A 410 Gone disables it at once: the endpoint asked to stop. Otherwise, with
 * auto-disable on, a run of failed attempts disables it once it is both {@code failures} long and has lasted
 * {@code failingFor} (measured between the attempts' start times), so a burst of failures of a busy endpoint
 * doesn't disable it, and neither does a quiet endpoint failing its few attempts over a long time.
 */
public record EndpointHealthPolicy(boolean autoDisable, int failures, Duration failingFor) {

    public EndpointHealthPolicy {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1");
        }
        if (failingFor.isNegative()) {
            throw new IllegalArgumentException("failingFor must not be negative");
        }
    }

    /** Why the webhook must be disabled after its latest failed attempt (part of {@code streak}), if it must. */
    public Optional<String> reasonToDisable(FailureStreak streak, Integer lastStatus, java.time.Instant lastAttemptAt) {
        if (lastStatus != null && lastStatus == 410) {
            return Optional.of("the endpoint answered 410 Gone");
        }
        Duration failingSoFar = Duration.between(streak.failingSince(), lastAttemptAt);
        if (!autoDisable || streak.failures() < failures || failingSoFar.compareTo(failingFor) < 0) {
            return Optional.empty();
        }
        return Optional.of(streak.failures() + " attempts in a row failed over " + describe(failingSoFar)
                + (streak.lastError() == null ? "" : "; last: " + streak.lastError()));
    }

    private static String describe(Duration duration) {
        if (duration.toDays() >= 2) {
            return duration.toDays() + " days";
        }
        if (duration.toHours() >= 2) {
            return duration.toHours() + " hours";
        }
        if (duration.toMinutes() >= 2) {
            return duration.toMinutes() + " minutes";
        }
        return duration.toSeconds() + " seconds";
    }
}
