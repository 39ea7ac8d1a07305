package io.herald.runtime.security;

import io.herald.schemas.webhook.EncryptedValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts webhook secrets and credentials at rest with AES-256-GCM. Every value records the id of the key that
 * encrypted it, so keys can be rotated: new values use the active key, old ones still decrypt with theirs. The
 * associated data (the webhook id) binds a ciphertext to its webhook: copied to another webhook, it won't decrypt.
 */
public final class SecretCipher {

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String activeKeyId;
    private final Map<String, SecretKeySpec> keys;

    public SecretCipher(String activeKeyId, Map<String, byte[]> keys) {
        Objects.requireNonNull(activeKeyId, "activeKeyId");
        Map<String, SecretKeySpec> specs = new LinkedHashMap<>();
        keys.forEach((id, key) -> {
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("secret key '" + id + "' must be 32 bytes (AES-256), got "
                        + key.length);
            }
            specs.put(id, new SecretKeySpec(key, "AES"));
        });
        if (!specs.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("active secret key '" + activeKeyId + "' is not among the keys "
                    + specs.keySet());
        }
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(specs);
    }

    /**
     * Parses a key ring written as {@code id:base64key[,id:base64key...]}; the first key is the active one.
     *
     * @throws IllegalArgumentException naming the entry that is malformed (never echoing key material)
     */
    public static SecretCipher fromKeyRing(String keyRing) {
        if (keyRing == null || keyRing.isBlank()) {
            throw new IllegalArgumentException("the secret key ring is empty: give at least one id:base64key "
                    + "(32 random bytes, e.g. `openssl rand -base64 32`)");
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String active = null;
        for (String entry : keyRing.split(",")) {
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("secret key ring entry #" + (keys.size() + 1)
                        + " must be id:base64key");
            }
            String id = entry.substring(0, colon).trim();
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret key '" + id + "' is not valid base64");
            }
            keys.put(id, key);
            active = active == null ? id : active;
        }
        return new SecretCipher(active, keys);
    }

    /** A fresh random key, base64, for key rings of development setups. */
    public static String generateKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public EncryptedValue encrypt(String plaintext, String associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] ciphertext = run(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), nonce, associatedData,
                plaintext.getBytes(StandardCharsets.UTF_8));
        return EncryptedValue.newBuilder()
                .setKeyId(activeKeyId)
                .setNonce(ByteBuffer.wrap(nonce))
                .setCiphertext(ByteBuffer.wrap(ciphertext))
                .build();
    }

    /**
     * @throws UnknownSecretKeyException if the key ring lacks the value's key
     * @throws IllegalStateException if the value was tampered with or belongs to other associated data
     */
    public String decrypt(EncryptedValue value, String associatedData) {
        SecretKeySpec key = keys.get(value.getKeyId());
        if (key == null) {
            throw new UnknownSecretKeyException(value.getKeyId());
        }
        byte[] plaintext = run(Cipher.DECRYPT_MODE, key, bytes(value.getNonce()), associatedData,
                bytes(value.getCiphertext()));
        return new String(plaintext, StandardCharsets.UTF_8);
    }

    private static byte[] run(int mode, SecretKeySpec key, byte[] nonce, String associatedData, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret " + (mode == Cipher.ENCRYPT_MODE ? "encryption" : "decryption")
                    + " failed: wrong key, tampered value, or value of another webhook", e);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
