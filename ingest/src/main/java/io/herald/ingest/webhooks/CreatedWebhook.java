package io.herald.ingest.webhooks;

import io.herald.schemas.subscription.Subscription;

/**
 * A webhook just stored, with its signing secret in plaintext: the one moment the secret is shown. The stored
 * subscription holds it only encrypted.
 */
public record CreatedWebhook(Subscription subscription, String signingSecret) {

    public String id() {
        return subscription.getId();
    }

    @Override
    public String toString() {
        return "CreatedWebhook[id=" + id() + ", signingSecret=<redacted>]";
    }
}
