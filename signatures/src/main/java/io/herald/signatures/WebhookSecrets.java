package io.herald.signatures;

import java.security.SecureRandom;
import java.util.Base64;

/** Standard Webhooks signing secrets: {@code whsec_} followed by the base64 of 24-64 random bytes. */
public final class WebhookSecrets {

    public static final String PREFIX = "whsec_";
    private static final int GENERATED_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSecrets() {
    }

    public static String generate() {
        byte[] key = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key of a secret: the base64-decoded part after {@code whsec_}. */
    public static byte[] keyBytes(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length < 24 || key.length > 64) {
                throw new IllegalArgumentException("a webhook secret must decode to 24-64 bytes, got " + key.length);
            }
            return key;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("a webhook secret")) {
                throw e;
            }
            throw new IllegalArgumentException("a webhook secret must be whsec_ followed by base64");
        }
    }

    public static boolean isValid(String secret) {
        try {
            keyBytes(secret);
            return secret.startsWith(PREFIX);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
