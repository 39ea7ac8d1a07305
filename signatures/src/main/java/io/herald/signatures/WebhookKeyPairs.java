package io.herald.signatures;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Standard Webhooks asymmetric keys: ed25519, written {@code whsk_<base64 32-byte seed>} (secret, Herald's) and
 * {@code whpk_<base64 32-byte public key>} (public, the receiver's). Uses the JDK's own Ed25519.
 */
public final class WebhookKeyPairs {

    public static final String SECRET_PREFIX = "whsk_";
    public static final String PUBLIC_PREFIX = "whpk_";

    // DER prefixes of the JDK's encodings of Ed25519 keys; the raw 32 bytes follow them.
    private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b657004220420");
    private static final byte[] X509_PREFIX = hex("302a300506032b6570032100");

    /** A generated key pair; its string form never shows the secret key. */
    public record Keys(String secretKey, String publicKey) {
        @Override
        public String toString() {
            return "Keys[publicKey=" + publicKey + ", secretKey=<redacted>]";
        }
    }

    private WebhookKeyPairs() {
    }

    public static Keys generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] seed = raw(pair.getPrivate().getEncoded(), PKCS8_PREFIX);
            byte[] publicKey = raw(pair.getPublic().getEncoded(), X509_PREFIX);
            return new Keys(SECRET_PREFIX + Base64.getEncoder().encodeToString(seed),
                    PUBLIC_PREFIX + Base64.getEncoder().encodeToString(publicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 15+ platform", e);
        }
    }

    static PrivateKey privateKey(String secretKey) {
        return (PrivateKey) decode(secretKey, SECRET_PREFIX, PKCS8_PREFIX, true);
    }

    static PublicKey publicKey(String publicKey) {
        return (PublicKey) decode(publicKey, PUBLIC_PREFIX, X509_PREFIX, false);
    }

    private static Object decode(String key, String prefix, byte[] derPrefix, boolean secret) {
        if (key == null || !key.startsWith(prefix)) {
            throw new IllegalArgumentException("an ed25519 " + (secret ? "secret" : "public") + " key starts with "
                    + prefix);
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(key.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the ed25519 key after " + prefix + " is not base64");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("an ed25519 key is 32 bytes, got " + raw.length);
        }
        byte[] der = Arrays.copyOf(derPrefix, derPrefix.length + 32);
        System.arraycopy(raw, 0, der, derPrefix.length, 32);
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            return secret ? factory.generatePrivate(new PKCS8EncodedKeySpec(der))
                    : factory.generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid ed25519 key", e);
        }
    }

    private static byte[] raw(byte[] der, byte[] prefix) {
        if (der.length != prefix.length + 32 || !Arrays.equals(Arrays.copyOf(der, prefix.length), prefix)) {
            throw new IllegalStateException("unexpected Ed25519 key encoding from the JDK");
        }
        return Arrays.copyOfRange(der, prefix.length, der.length);
    }

    private static byte[] hex(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
