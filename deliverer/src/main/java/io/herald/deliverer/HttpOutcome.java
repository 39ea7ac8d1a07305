package io.herald.deliverer;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one HTTP attempt produced. Made only through its factories, each of which fills exactly the fields its
 * kind has: an answer has a status and no error, a refusal or a missing answer has an error and no status.
 *
 * @param status HTTP status; null unless the endpoint answered
 * @param error why the attempt failed when no answer arrived, the destination was refused or the answer broke a
 *     limit; null for an answer within the limits (whatever its status)
 * @param retryAfter how long the endpoint asked Herald to wait (its Retry-After header), if it did
 */
public record HttpOutcome(Kind kind, Instant startedAt, long latencyMs, Integer status, String responseExcerpt,
        String error, Optional<Duration> retryAfter) {

    /** The ways an attempt ends. */
    public enum Kind {
        /** The endpoint answered within Herald's limits, with any status. */
        ANSWERED,
        /** The endpoint answered, but the answer broke a limit (too many headers): a failure whatever its status. */
        ANSWER_OVER_LIMITS,
        /** Herald refused the destination (egress rules, unusable URL): permanent until the URL changes. */
        REFUSED,
        /** No answer within the attempt's timeout. */
        TIMED_OUT,
        /** No answer: the connection or TLS failed, or the exchange broke off. */
        NO_ANSWER;

        boolean answered() {
            return this == ANSWERED || this == ANSWER_OVER_LIMITS;
        }
    }

    public HttpOutcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (kind.answered() != (status != null)) {
            throw new IllegalArgumentException(kind + " with status " + status);
        }
        if ((kind == Kind.ANSWERED) != (error == null)) {
            throw new IllegalArgumentException(kind + " with error " + error);
        }
    }

    public static HttpOutcome answered(Instant startedAt, long latencyMs, int status, String responseExcerpt,
            Optional<Duration> retryAfter) {
        return new HttpOutcome(Kind.ANSWERED, startedAt, latencyMs, status, responseExcerpt, null, retryAfter);
    }

    public static HttpOutcome answerOverLimits(Instant startedAt, long latencyMs, int status, String responseExcerpt,
            String brokenLimit) {
        return new HttpOutcome(Kind.ANSWER_OVER_LIMITS, startedAt, latencyMs, status, responseExcerpt, brokenLimit,
                Optional.empty());
    }

    public static HttpOutcome refused(Instant startedAt, long latencyMs, String reason) {
        return new HttpOutcome(Kind.REFUSED, startedAt, latencyMs, null, null, reason, Optional.empty());
    }

    public static HttpOutcome timedOut(Instant startedAt, long latencyMs, Duration timeout) {
        return new HttpOutcome(Kind.TIMED_OUT, startedAt, latencyMs, null, null,
                "timed out after " + timeout.toMillis() + " ms", Optional.empty());
    }

    public static HttpOutcome noAnswer(Instant startedAt, long latencyMs, String why) {
        return new HttpOutcome(Kind.NO_ANSWER, startedAt, latencyMs, null, null, why, Optional.empty());
    }

    /** Whether Herald refused to connect at all. */
    public boolean refused() {
        return kind == Kind.REFUSED;
    }

    /** No answer within the attempt's timeout. */
    public boolean timedOut() {
        return kind == Kind.TIMED_OUT;
    }

    /** A 2xx that broke no limit. */
    public boolean succeeded() {
        return kind == Kind.ANSWERED && status >= 200 && status < 300;
    }

    /** Whether the attempt says something about the endpoint's health: a destination Herald refused doesn't. */
    public boolean reflectsOnEndpoint() {
        return kind != Kind.REFUSED;
    }
}
