package io.herald.ingest.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/** Response bodies other than a plain webhook. */
public final class ApiResponses {

    private ApiResponses() {
    }

    /** A webhook just created, with its signing secret: shown once, here, and through the reveal call. */
    @Serdeable
    public record CreatedWebhookView(WebhookView webhook, String secret) {
    }

    /** One page of webhooks; pass {@code nextCursor} as {@code after} for the next one (null on the last page). */
    @Serdeable
    public record WebhookPage(List<WebhookView> items, @Nullable String nextCursor) {
    }

    /**
     * The secrets that currently sign deliveries.
     *
     * @param secret the current secret
     * @param retiring rotated-out secrets still signing, with when they stop
     */
    @Serdeable
    public record SecretView(String secret, List<RetiringSecretView> retiring) {
    }

    @Serdeable
    public record RetiringSecretView(String secret, Instant expiresAt) {
    }

    /** One audit entry; before and after are the webhook as JSON, secrets never included. */
    @Serdeable
    public record AuditView(String id, String actor, String action, String webhookId, Instant at,
            @Nullable String before, @Nullable String after) {
    }

    /**
     * What a test delivery did.
     *
     * @param outcome SUCCEEDED, FAILED, SKIPPED or REFUSED
     */
    @Serdeable
    public record TestResult(String deliveryId, String eventType, String outcome, @Nullable Integer httpStatus,
            long latencyMs, @Nullable String error, @Nullable String responseExcerpt) {
    }

    /** The body of a test call: the event type to send (default: the webhook's first subscribed type). */
    @Serdeable
    public record TestRequest(@Nullable String eventType) {
    }

    @Serdeable
    public record AuditPage(List<AuditView> items, @Nullable String nextCursor) {
    }

    /** One attempt to deliver an event to a webhook, as recorded on {@code herald.attempts}. */
    @Serdeable
    public record AttemptView(String id, String deliveryId, String eventId, String eventType, int attempt,
            String outcome, Instant startedAt, long latencyMs, @Nullable Integer httpStatus, @Nullable String error,
            @Nullable String responseExcerpt, @Nullable Instant nextAttemptAt) {
    }

    /** Attempts, newest first; pass {@code nextCursor} as {@code before} for older ones (null when none are left). */
    @Serdeable
    public record AttemptPage(List<AttemptView> items, @Nullable String nextCursor) {
    }

    /** What one earlier attempt of a dead-lettered delivery did. */
    @Serdeable
    public record AttemptSummaryView(int attempt, Instant at, String outcome, @Nullable Integer httpStatus,
            @Nullable String error) {
    }

    /** A delivery Herald gave up on, with every attempt it made. */
    @Serdeable
    public record DeadLetterView(String deliveryId, String eventId, String eventType, Instant eventTimestamp,
            String reason, Instant deadAt, List<AttemptSummaryView> attempts) {
    }

    /** Dead letters, newest first; pass {@code nextCursor} as {@code before} for older ones. */
    @Serdeable
    public record DeadLetterPage(List<DeadLetterView> items, @Nullable String nextCursor) {
    }

    /** A dead letter queued for one more attempt. */
    @Serdeable
    public record ResendResult(String deliveryId, int attempt) {
    }

    /** The body of a recover call: resend every dead letter of the webhook that died at or after {@code since}. */
    @Serdeable
    public record RecoverRequest(@Nullable Instant since) {
    }

    /**
     * What a recover call queued.
     *
     * @param resent deliveries queued for one more attempt (each delivery once, however often it died)
     * @param nextSince when not every dead letter fitted in one call: call again with this as {@code since}
     */
    @Serdeable
    public record RecoverResult(int resent, @Nullable Instant nextSince) {
    }

    /** The body of a replay call: the events Herald received from {@code since} up to {@code until} (default now). */
    @Serdeable
    public record ReplayRequest(@Nullable Instant since, @Nullable Instant until) {
    }

    /**
     * A replay and how far it got.
     *
     * @param state RUNNING, DONE or FAILED
     * @param eventsRead records read from the event topics in the range (every tenant's)
     * @param deliveriesQueued events of the webhook queued for delivery
     */
    @Serdeable
    public record ReplayView(String id, String webhookId, Instant since, Instant until, String state, long eventsRead,
            long deliveriesQueued, Instant startedAt, @Nullable Instant finishedAt, @Nullable String error) {
    }
}
