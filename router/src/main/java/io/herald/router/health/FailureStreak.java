package io.herald.router.health;

import java.time.Instant;

/**
 * A webhook's current run of failed attempts, as the health store keeps it.
 *
 * @param webhookVersion the webhook's version when the run began: a change to the webhook starts a new run
 * @param failures failed attempts in a row
 * @param failingSince start of the run's first failed attempt
 * @param lastHttpStatus status of the last failed attempt, null when no response arrived
 * @param lastError what went wrong last, null if unknown
 */
public record FailureStreak(long webhookVersion, int failures, Instant failingSince, Integer lastHttpStatus,
        String lastError) {

    static FailureStreak first(long webhookVersion, Instant at, Integer httpStatus, String error) {
        return new FailureStreak(webhookVersion, 1, at, httpStatus, error);
    }

    FailureStreak plus(Integer httpStatus, String error) {
        return new FailureStreak(webhookVersion, failures + 1, failingSince, httpStatus, error);
    }
}
