package io.herald.deliverer.retry;

import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * When to try a failed delivery again: the delays before each retry (the first attempt is immediate), each
 * spread by a jitter so that endpoints that failed together are not all retried at the same instant.
 *
 * @param delays the delay before retry 1, 2, ...; its length is the number of retries
 * @param jitter the largest fraction a delay is moved up or down by (0.2 = ±20%)
 */
public record RetrySchedule(List<Duration> delays, double jitter) {

    public RetrySchedule {
        delays = List.copyOf(delays);
        if (delays.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("retry delays must be positive");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be from 0 up to (not including) 1");
        }
    }

    /** From the first attempt to the last, without jitter. */
    public Duration span() {
        return delays.stream().reduce(Duration.ZERO, Duration::plus);
    }

    /** How many attempts in all: the first, then one per delay. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /** The jittered delay before the attempt after {@code attempt}, or empty when no retry is left. */
    public java.util.Optional<Duration> delayAfter(int attempt, RandomGenerator random) {
        if (attempt < 1 || attempt > delays.size()) {
            return java.util.Optional.empty();
        }
        Duration base = delays.get(attempt - 1);
        double factor = 1 + (random.nextDouble() * 2 - 1) * jitter;
        return java.util.Optional.of(Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor))));
    }
}
