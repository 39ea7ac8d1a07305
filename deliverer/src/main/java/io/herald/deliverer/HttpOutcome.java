package io.herald.deliverer;

import java.time.Instant;

/**
 * What one HTTP attempt produced: a status and response excerpt, or an error when no response arrived.
 *
 * @param status HTTP status, or null when no response arrived
 * @param error why the attempt failed without a response (timeout, refused connection...), else null
 * @param refused whether Herald refused to connect at all (forbidden destination): a permanent failure
 */
record HttpOutcome(Instant startedAt, long latencyMs, Integer status, String responseExcerpt, String error,
        boolean refused) {

    boolean succeeded() {
        return status != null && status >= 200 && status < 300;
    }
}
