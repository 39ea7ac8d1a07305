package io.herald.signatures;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Verifies a webhook request the way a receiver should: the Standard Webhooks signature over
 * {@code id.timestamp.body}, with the timestamp within a tolerance (default 5 minutes) to stop replays, compared in
 * constant time. Depends on nothing but the JDK, so receivers on the JVM can copy or use it as it is.
 */
public final class WebhookVerifier {

    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final String secret;
    private final PublicKey publicKey;
    private final Duration tolerance;
    private final Clock clock;

    public WebhookVerifier(String secret) {
        this(secret, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    public WebhookVerifier(String secret, Duration tolerance, Clock clock) {
        this.publicKey = secret.startsWith(WebhookKeyPairs.PUBLIC_PREFIX) ? WebhookKeyPairs.publicKey(secret) : null;
        if (publicKey == null) {
            WebhookSecrets.keyBytes(secret); // fail now on a malformed secret, not on the first request
        }
        this.secret = secret;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /**
     * @param headers request headers; names are matched case-insensitively
     * @throws WebhookVerificationException saying which check failed
     */
    public void verify(String body, Map<String, String> headers) {
        Map<String, String> named = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        named.putAll(headers);
        String id = required(named, WebhookHeaders.ID);
        String timestamp = required(named, WebhookHeaders.TIMESTAMP);
        String signatures = required(named, WebhookHeaders.SIGNATURE);
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException("webhook-timestamp is not a number of seconds");
        }
        long now = clock.instant().getEpochSecond();
        if (Math.abs(now - seconds) > tolerance.toSeconds()) {
            throw new WebhookVerificationException("webhook-timestamp is outside the tolerance of " + tolerance);
        }
        if (publicKey != null ? anyAsymmetricMatches(signatures, id, seconds, body)
                : anySymmetricMatches(signatures, id, seconds, body)) {
            return;
        }
        throw new WebhookVerificationException("no webhook-signature matches the body");
    }

    private boolean anySymmetricMatches(String signatures, String id, long seconds, String body) {
        byte[] expected = WebhookSignatures.standard(secret, id, seconds, body).getBytes(StandardCharsets.UTF_8);
        for (String candidate : signatures.split(" ")) {
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    private boolean anyAsymmetricMatches(String signatures, String id, long seconds, String body) {
        String prefix = WebhookSignatures.ASYMMETRIC_VERSION + ',';
        for (String candidate : signatures.split(" ")) {
            if (candidate.startsWith(prefix) && ed25519Verifies(candidate.substring(prefix.length()), id, seconds,
                    body)) {
                return true;
            }
        }
        return false;
    }

    private boolean ed25519Verifies(String base64Signature, String id, long seconds, String body) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(publicKey);
            ed25519.update(WebhookSignatures.signedContent(id, seconds, body));
            return ed25519.verify(Base64.getDecoder().decode(base64Signature));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    /** Checks an {@code X-Herald-Signature: sha256=<hex>} header, in constant time (secret mode only). */
    public boolean verifyHeraldSignature(String body, String headerValue) {
        if (headerValue == null || publicKey != null) {
            return false;
        }
        byte[] expected = WebhookSignatures.herald(secret, body).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, headerValue.getBytes(StandardCharsets.UTF_8));
    }

    private static String required(Map<String, String> headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isBlank()) {
            throw new WebhookVerificationException("header " + name + " is missing");
        }
        return value;
    }
}
