package io.herald.deliverer;

import io.herald.deliverer.egress.EgressGuard;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.schemas.webhook.Webhook;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Sends deliveries straight to their endpoints with the deliverer's own HTTP client, signer and egress guard, no
 * Kafka involved: what the deliverer's HTTP side alone can do, for the benchmark's HTTP ceiling. Not a delivery
 * path: nothing is recorded, retried or dead-lettered. It lives in the benchmark module, in the deliverer's package
 * (as a test would), so the deliverer ships no class for measurements and keeps its HTTP side package-private.
 */
public final class DirectDelivery implements AutoCloseable {

    private final WebhookSender sender;
    private final WebhookTargets targets;

    private DirectDelivery(WebhookSender sender, WebhookTargets targets) {
        this.sender = sender;
        this.targets = targets;
    }

    public static DirectDelivery start(DelivererConfig config) {
        Clock clock = Clock.systemUTC();
        return new DirectDelivery(new WebhookSender(config,
                new EgressGuard(new ForbiddenAddresses(config.allowedNetworks())), clock),
                new WebhookTargets(config.secretCipher()));
    }

    /** Signs and POSTs the delivery to the webhook; completes with the HTTP status, or -1 when none came. */
    public CompletableFuture<Integer> send(Webhook webhook, Delivery delivery) {
        return sender.send(targets.from(webhook), delivery)
                .thenApply(outcome -> outcome.status() == null ? -1 : outcome.status());
    }

    @Override
    public void close() {
        sender.close();
    }
}
