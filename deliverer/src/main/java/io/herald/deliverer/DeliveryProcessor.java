package io.herald.deliverer;

import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.store.SubscriptionView;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one delivery to its outcome: finds the webhook, sends (or skips with a reason), records the attempt.
 * The returned future completes once the attempt record is durable, never before.
 */
final class DeliveryProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final SubscriptionView view;
    private final Endpoints endpoints;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final Clock clock;

    DeliveryProcessor(SubscriptionView view, Endpoints endpoints, WebhookSender sender, AttemptRecorder recorder,
            Clock clock) {
        this.view = view;
        this.endpoints = endpoints;
        this.sender = sender;
        this.recorder = recorder;
        this.clock = clock;
    }

    CompletableFuture<DeliveryAttempt> process(Delivery delivery) {
        return endpointOf(delivery)
                .thenCompose(endpoint -> attempt(delivery, endpoint))
                .thenCompose(attempt -> {
                    log(delivery, attempt);
                    return recorder.record(attempt);
                });
    }

    /**
     * The webhook, at least in the version the router matched: when this deliverer's view is older (or lacks the
     * webhook), it catches up first, so a rotated secret or changed URL is never missed.
     */
    private CompletableFuture<Optional<Endpoint>> endpointOf(Delivery delivery) {
        Optional<Endpoint> known = view.find(delivery.getWebhookId())
                .filter(webhook -> webhook.getVersion() >= delivery.getWebhookVersion())
                .map(endpoints::from);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known);
        }
        return view.syncToEnd().thenApply(synced -> view.find(delivery.getWebhookId()).map(endpoints::from));
    }

    private CompletableFuture<DeliveryAttempt> attempt(Delivery delivery, Optional<Endpoint> found) {
        if (found.isEmpty()) {
            return skip(delivery, "webhook no longer exists");
        }
        Endpoint endpoint = found.get();
        if (!endpoint.tenant().equals(delivery.getTenant())) {
            return skip(delivery, "webhook belongs to another tenant");
        }
        if (!endpoint.active()) {
            return skip(delivery, "webhook is disabled"
                    + (endpoint.disabledReason() != null ? ": " + endpoint.disabledReason() : ""));
        }
        if (endpoint.unusableReason().isPresent()) {
            return skip(delivery, "webhook cannot be delivered to: " + endpoint.unusableReason().get());
        }
        return sender.send(endpoint, delivery).thenApply(http -> DeliveryAttempts.fromHttp(delivery, http));
    }

    private CompletableFuture<DeliveryAttempt> skip(Delivery delivery, String reason) {
        return CompletableFuture.completedFuture(DeliveryAttempts.skipped(delivery, clock.instant(), reason));
    }

    private static void log(Delivery delivery, DeliveryAttempt attempt) {
        if (attempt.getOutcome() == AttemptOutcome.SUCCEEDED) {
            LOG.debug("Delivered {} (event {}, {}) to webhook {} of tenant {}: HTTP {} in {} ms", delivery.getId(),
                    delivery.getEventId(), delivery.getEventType(), delivery.getWebhookId(), delivery.getTenant(),
                    attempt.getHttpStatus(), attempt.getLatencyMs());
        } else {
            LOG.info("Delivery {} (event {}, {}) to webhook {} of tenant {} {}: {}", delivery.getId(),
                    delivery.getEventId(), delivery.getEventType(), delivery.getWebhookId(), delivery.getTenant(),
                    attempt.getOutcome(), attempt.getError());
        }
    }
}
