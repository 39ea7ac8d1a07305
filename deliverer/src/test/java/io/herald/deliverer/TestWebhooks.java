package io.herald.deliverer;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.webhook.Webhook;
import java.time.Instant;
import java.util.List;

/** Webhooks and deliveries as the management API and the router would write them, for the deliverer's tests. */
final class TestWebhooks {

    private TestWebhooks() {
    }

    /** An active webhook of {@code tenant} for every event type, its secret encrypted with {@code cipher}. */
    static Webhook webhook(String tenant, String url, String secret, SecretCipher cipher) {
        String id = HeraldIds.newWebhookId();
        Instant now = Instant.now();
        return Webhook.newBuilder()
                .setId(id).setTenant(tenant).setName(tenant + " webhook").setUrl(url)
                .setEventTypes(List.of("*")).setActive(true)
                .setSigningSecrets(List.of(cipher.encrypt(secret, id)))
                .setCreatedAt(now).setUpdatedAt(now).setVersion(1)
                .build();
    }

    /** A first-attempt delivery of a new user.created event to the webhook. */
    static Delivery delivery(Webhook webhook, String body) {
        String eventId = HeraldIds.newEventId();
        return Delivery.newBuilder()
                .setId(HeraldIds.deliveryId(eventId, webhook.getId()))
                .setTenant(webhook.getTenant()).setWebhookId(webhook.getId()).setWebhookVersion(webhook.getVersion())
                .setEventId(eventId).setEventType("user.created")
                .setEventTimestamp(Instant.now()).setRoutedAt(Instant.now())
                .setBody(body)
                .build();
    }
}
