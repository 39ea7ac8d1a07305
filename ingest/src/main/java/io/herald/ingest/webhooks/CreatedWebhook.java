package io.herald.ingest.webhooks;

import io.herald.schemas.subscription.Subscription;
import java.util.Optional;

/**
 * A webhook just stored, with its signing secret in plaintext: the one moment the secret is shown. The stored
 * subscription holds it only encrypted.
 */
public record CreatedWebhook(Subscription subscription, String signingSecret) {

    public String id() {
        return subscription.getId();
    }

    /** The whpk_ ed25519 public key receivers verify v1a signatures with, when the webhook has one. */
    public Optional<String> publicKey() {
        return Optional.ofNullable(subscription.getAsymmetricKey()).map(key -> key.getPublicKey());
    }

    @Override
    public String toString() {
        return "CreatedWebhook[id=" + id() + ", signingSecret=<redacted>]";
    }
}
