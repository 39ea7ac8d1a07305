package io.herald.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Herald's prefixed ids: {@code evt_}, {@code wh_}, {@code msg_}, {@code atmpt_} followed by 26 Crockford
 * base32 characters (128 bits; random ids start with the millisecond time so they sort by creation).
 */
public final class HeraldIds {

    public static final String EVENT_PREFIX = "evt_";
    public static final String WEBHOOK_PREFIX = "wh_";
    public static final String DELIVERY_PREFIX = "msg_";
    public static final String ATTEMPT_PREFIX = "atmpt_";
    public static final String AUDIT_PREFIX = "aud_";
    public static final String API_KEY_PREFIX = "key_";
    public static final String REPLAY_PREFIX = "rpl_";
    /** What tenant API keys made by Herald start with, so secret scanners and people can tell them. */
    public static final String API_KEY_SECRET_PREFIX = "hk_";

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final Pattern BODY = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private HeraldIds() {
    }

    public static String newEventId() {
        return EVENT_PREFIX + timeOrdered(Clock.systemUTC().millis());
    }

    public static String newWebhookId() {
        return WEBHOOK_PREFIX + timeOrdered(Clock.systemUTC().millis());
    }

    public static String newAttemptId() {
        return ATTEMPT_PREFIX + timeOrdered(Clock.systemUTC().millis());
    }

    public static String newAuditId() {
        return AUDIT_PREFIX + timeOrdered(Clock.systemUTC().millis());
    }

    public static String newReplayId() {
        return REPLAY_PREFIX + timeOrdered(Clock.systemUTC().millis());
    }

    public static String newApiKeyId() {
        return API_KEY_PREFIX + timeOrdered(Clock.systemUTC().millis());
    }

    /** A new API key: the prefix and 260 random bits, lowercase. */
    public static String newApiKeySecret() {
        byte[] first = new byte[17];
        byte[] second = new byte[17];
        RANDOM.nextBytes(first);
        RANDOM.nextBytes(second);
        return API_KEY_SECRET_PREFIX + (encode(first) + encode(second)).toLowerCase(java.util.Locale.ROOT);
    }

    /** A random delivery id, for deliveries that belong to no routed event (webhook tests). */
    public static String newDeliveryId() {
        return DELIVERY_PREFIX + timeOrdered(Clock.systemUTC().millis());
    }

    /**
     * The delivery id of an event for a webhook. Deterministic, so that re-routing the same event yields the
     * same {@code webhook-id} header and receivers can deduplicate.
     */
    public static String deliveryId(String eventId, String webhookId) {
        byte[] digest = sha256(eventId + '\n' + webhookId);
        return DELIVERY_PREFIX + encode(digest);
    }

    /** Whether {@code id} is a well-formed id with the given prefix. */
    public static boolean isValid(String prefix, String id) {
        return id != null && id.startsWith(prefix) && BODY.matcher(id.substring(prefix.length())).matches();
    }

    private static String timeOrdered(long epochMillis) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        for (int i = 0; i < 6; i++) {
            bytes[i] = (byte) (epochMillis >>> (40 - 8 * i));
        }
        return encode(bytes);
    }

    /** Encodes the first 130 bits of {@code bytes} (at least 17 bytes, or 16 padded with zero bits). */
    private static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder(26);
        int bitIndex = 0;
        for (int i = 0; i < 26; i++) {
            int value = 0;
            for (int b = 0; b < 5; b++, bitIndex++) {
                int byteIndex = bitIndex / 8;
                int bit = byteIndex < bytes.length ? (bytes[byteIndex] >> (7 - bitIndex % 8)) & 1 : 0;
                value = (value << 1) | bit;
            }
            out.append(CROCKFORD[value]);
        }
        return out.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
