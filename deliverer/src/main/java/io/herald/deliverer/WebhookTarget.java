package io.herald.deliverer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A webhook as the deliverer needs it: secrets decrypted, the Authorization header ready. Held in memory only.
 *
 * @param retiringSecrets secrets replaced by a rotation, which keep signing until they expire
 * @param asymmetricSecretKey the whsk_ ed25519 key, when the webhook also gets v1a signatures
 * @param heraldSignature whether to add X-Herald-Signature
 * @param retryDelays this webhook's retry schedule; empty for the deliverer's default
 * @param rateLimitPerSecond the most requests per second this webhook takes; empty for no limit
 * @param unusableReason why deliveries can't be made (e.g. a secret that no configured key decrypts); empty when
 *     fine
 */
record WebhookTarget(
        String webhookId,
        String tenant,
        String url,
        boolean active,
        String disabledReason,
        List<String> signingSecrets,
        List<RetiringSecret> retiringSecrets,
        Optional<String> asymmetricSecretKey,
        boolean heraldSignature,
        Optional<String> authorization,
        Map<String, String> headers,
        Optional<Duration> timeout,
        List<Duration> retryDelays,
        Optional<Integer> rateLimitPerSecond,
        long version,
        Optional<String> unusableReason) {

    /** A rotated-out secret and the moment it stops signing. */
    record RetiringSecret(String secret, Instant expiresAt) {
        @Override
        public String toString() {
            return "RetiringSecret[expiresAt=" + expiresAt + "]";
        }
    }

    /** The secrets that sign a request made at {@code now}: the current ones, then unexpired retiring ones. */
    List<String> secretsAt(Instant now) {
        List<String> secrets = new java.util.ArrayList<>(signingSecrets);
        retiringSecrets.stream().filter(r -> r.expiresAt().isAfter(now)).forEach(r -> secrets.add(r.secret()));
        return secrets;
    }

    /** The URL's host alone (the URL may carry credentials); null when the URL has none. */
    String host() {
        try {
            return java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "WebhookTarget[" + webhookId + " v" + version + " of " + tenant + "]"; // never secrets
    }
}
