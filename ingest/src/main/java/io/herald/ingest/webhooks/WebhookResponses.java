package io.herald.ingest.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/** The webhook API's request and response bodies besides the webhook itself. */
public final class WebhookResponses {

    private WebhookResponses() {
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
}
