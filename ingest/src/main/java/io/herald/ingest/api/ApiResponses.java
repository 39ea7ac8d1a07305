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
}
