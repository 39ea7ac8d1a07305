package io.herald.schemas;

import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.Webhook;
import java.time.Instant;

/**
 * Builds the {@link Delivery} of an event to a webhook, the same way whoever creates it (the router, or a replay):
 * its id derives from the event and the webhook, so every copy of it carries the same {@code webhook-id}.
 */
public final class Deliveries {

    private Deliveries() {
    }

    /** @param body the event's webhook body ({@link WebhookPayload#render}), rendered once per event */
    public static Delivery of(IamEvent event, Webhook webhook, String body, Instant routedAt) {
        return Delivery.newBuilder()
                .setId(HeraldIds.deliveryId(event.getId(), webhook.getId()))
                .setTenant(event.getTenant())
                .setWebhookId(webhook.getId())
                .setWebhookVersion(webhook.getVersion())
                .setEventId(event.getId())
                .setEventType(event.getType())
                .setEventTimestamp(event.getTimestamp())
                .setRoutedAt(routedAt)
                .setAttempt(1)
                .setBody(body)
                .build();
    }
}
