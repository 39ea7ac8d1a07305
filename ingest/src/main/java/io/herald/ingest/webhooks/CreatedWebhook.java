package io.herald.ingest.webhooks;

import io.herald.schemas.webhook.Webhook;
import java.util.Optional;

/**
 * A webhook just stored, with its signing secret in plaintext: the one moment the secret is shown. The stored
 * webhook holds it only encrypted.
 */
public record CreatedWebhook(Webhook webhook, String signingSecret) {

    public String id() {
        return webhook.getId();
    }

    /** The whpk_ ed25519 public key receivers verify v1a signatures with, when the webhook has one. */
    public Optional<String> publicKey() {
        return Optional.ofNullable(webhook.getAsymmetricKey()).map(key -> key.getPublicKey());
    }

    @Override
    public String toString() {
        return "CreatedWebhook[id=" + id() + ", signingSecret=<redacted>]";
    }
}
