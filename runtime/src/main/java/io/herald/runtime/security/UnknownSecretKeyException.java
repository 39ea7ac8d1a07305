package io.herald.runtime.security;

/**
 * A value was encrypted with a key this instance's key ring does not hold (a key added elsewhere, or removed too
 * early): a deployment problem, not a bad value. Names the key id only, never key material.
 */
public final class UnknownSecretKeyException extends IllegalStateException {

    private final String keyId;

    public UnknownSecretKeyException(String keyId) {
        super("no secret key with id '" + keyId + "' is configured; add it to the key ring to read values it "
                + "encrypted");
        this.keyId = keyId;
    }

    public String keyId() {
        return keyId;
    }
}
