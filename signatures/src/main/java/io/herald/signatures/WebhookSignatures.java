package io.herald.signatures;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes Herald's two signatures. Standard Webhooks: {@code v1,} + base64 HMAC-SHA256 over
 * {@code id.timestamp.body} keyed with the decoded {@code whsec_} secret. Herald/GitHub style: {@code sha256=} +
 * hex HMAC-SHA256 over the body keyed with the UTF-8 bytes of the secret string, as GitHub's verifiers expect.
 */
public final class WebhookSignatures {

    public static final String STANDARD_VERSION = "v1";
    public static final String ASYMMETRIC_VERSION = "v1a";
    public static final String HERALD_PREFIX = "sha256=";

    private WebhookSignatures() {
    }

    public static String standard(String secret, String messageId, long timestampSeconds, String body) {
        String signed = messageId + '.' + timestampSeconds + '.' + body;
        return STANDARD_VERSION + ',' + Base64.getEncoder().encodeToString(
                hmac(WebhookSecrets.keyBytes(secret), signed));
    }

    /** The {@code webhook-signature} header value: one signature per secret, space-separated (rotation). */
    public static String standardHeader(List<String> secrets, String messageId, long timestampSeconds, String body) {
        return secrets.stream()
                .map(secret -> standard(secret, messageId, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }

    /** Standard Webhooks asymmetric signature: {@code v1a,} + base64 ed25519 over {@code id.timestamp.body}. */
    public static String asymmetric(String secretKey, String messageId, long timestampSeconds, String body) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(WebhookKeyPairs.privateKey(secretKey));
            ed25519.update(signedContent(messageId, timestampSeconds, body));
            return ASYMMETRIC_VERSION + ',' + Base64.getEncoder().encodeToString(ed25519.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 15+ platform", e);
        }
    }

    static byte[] signedContent(String messageId, long timestampSeconds, String body) {
        return (messageId + '.' + timestampSeconds + '.' + body).getBytes(StandardCharsets.UTF_8);
    }

    public static String herald(String secret, String body) {
        return HERALD_PREFIX + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    static byte[] hmac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}
