package io.herald.deliverer;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one HTTP attempt produced: a status and response excerpt, or an error when no response arrived.
 *
 * @param status HTTP status, or null when no response arrived
 * @param error why the attempt failed: no response (timeout, refused connection...) or a response that broke a
 *     limit; null otherwise
 * @param refused whether Herald refused to connect at all (forbidden destination): a permanent failure
 * @param retryAfter how long the endpoint asked Herald to wait (its Retry-After header), if it did
 */
record HttpOutcome(Instant startedAt, long latencyMs, Integer status, String responseExcerpt, String error,
        boolean refused, Optional<Duration> retryAfter) {

    HttpOutcome(Instant startedAt, long latencyMs, Integer status, String responseExcerpt, String error,
            boolean refused) {
        this(startedAt, latencyMs, status, responseExcerpt, error, refused, Optional.empty());
    }

    /** No response within the attempt's timeout. */
    boolean timedOut() {
        return status == null && error != null && error.startsWith(WebhookSender.TIMED_OUT);
    }

    /** A 2xx that broke no limit. */
    boolean succeeded() {
        return status != null && status >= 200 && status < 300 && error == null;
    }
}
