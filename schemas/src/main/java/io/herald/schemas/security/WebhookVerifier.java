package io.herald.schemas.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
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
    private final Duration tolerance;
    private final Clock clock;

    public WebhookVerifier(String secret) {
        this(secret, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    public WebhookVerifier(String secret, Duration tolerance, Clock clock) {
        WebhookSecrets.keyBytes(secret); // fail now on a malformed secret, not on the first request
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
        byte[] expected = WebhookSignatures.standard(secret, id, seconds, body).getBytes(StandardCharsets.UTF_8);
        for (String candidate : signatures.split(" ")) {
            if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
                return;
            }
        }
        throw new WebhookVerificationException("no webhook-signature matches the body");
    }

    /** Checks an {@code X-Herald-Signature: sha256=<hex>} header, in constant time. */
    public boolean verifyHeraldSignature(String body, String headerValue) {
        if (headerValue == null) {
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
