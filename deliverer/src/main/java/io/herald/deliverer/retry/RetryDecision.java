package io.herald.deliverer.retry;

import java.time.Instant;

/** What happens to a delivery after an attempt. */
public sealed interface RetryDecision {

    /** Delivered, or deliberately not attempted: nothing more to do. */
    record Done() implements RetryDecision {
    }

    /** Try again at {@code dueAt}. */
    record RetryAt(Instant dueAt) implements RetryDecision {
    }

    /** Give up: to the dead-letter topic, with the reason. */
    record GiveUp(String reason) implements RetryDecision {
    }
}
