package io.herald.deliverer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A webhook as the deliverer needs it: secrets decrypted, the Authorization header ready. Held in memory only.
 *
 * @param asymmetricSecretKey the whsk_ ed25519 key, when the webhook also gets v1a signatures
 * @param heraldSignature whether to add X-Herald-Signature
 * @param unusableReason why deliveries can't be made (e.g. a secret that no configured key decrypts); empty when
 *     fine
 */
record Endpoint(
        String webhookId,
        String tenant,
        String url,
        boolean active,
        String disabledReason,
        List<String> signingSecrets,
        Optional<String> asymmetricSecretKey,
        boolean heraldSignature,
        Optional<String> authorization,
        Map<String, String> headers,
        Optional<Duration> timeout,
        long version,
        Optional<String> unusableReason) {

    @Override
    public String toString() {
        return "Endpoint[" + webhookId + " v" + version + " of " + tenant + "]"; // never secrets
    }
}
