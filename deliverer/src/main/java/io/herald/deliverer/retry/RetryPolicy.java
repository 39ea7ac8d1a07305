package io.herald.deliverer.retry;

import io.herald.deliverer.HttpOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Maps the outcome of an attempt to what happens next. 2xx: done. 410 Gone: give up at once (the endpoint asked
 * to stop). A refused destination: give up at once (retrying can't help until the URL changes). Any other status
 * (3xx included), a timeout, a connection or TLS error: retry on the schedule, later if the endpoint's
 * {@code Retry-After} asks for it (up to a cap), until the schedule is exhausted.
 */
public final class RetryPolicy {

    private final Duration maxRetryAfter;
    private final RandomGenerator random;

    public RetryPolicy(Duration maxRetryAfter, RandomGenerator random) {
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
    }

    /**
     * @param outcome how the attempt ended
     * @param attempt the number of the attempt that just ended (1 for the first)
     */
    public RetryDecision decide(HttpOutcome outcome, int attempt, RetrySchedule schedule, Instant now) {
        if (outcome.succeeded()) {
            return new RetryDecision.Done();
        }
        if (outcome.refused()) {
            return new RetryDecision.GiveUp("destination refused; not retried");
        }
        if (outcome.status() != null && outcome.status() == 410) {
            return new RetryDecision.GiveUp("endpoint answered 410 Gone; not retried");
        }
        Optional<Duration> scheduled = schedule.delayAfter(attempt, random);
        if (scheduled.isEmpty()) {
            return new RetryDecision.GiveUp("gave up after " + attempt + " attempts");
        }
        Duration delay = scheduled.get();
        Optional<Duration> retryAfter = outcome.retryAfter();
        if (retryAfter.isPresent() && retryAfter.get().compareTo(delay) > 0) {
            delay = retryAfter.get().compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter.get();
        }
        return new RetryDecision.RetryAt(now.plus(delay));
    }
}
