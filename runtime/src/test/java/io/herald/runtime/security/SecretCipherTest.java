package io.herald.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.schemas.webhook.EncryptedValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final String OLD_KEY = SecretCipher.generateKey();
    private static final String NEW_KEY = SecretCipher.generateKey();

    @Test
    void roundTripsAndNeverStoresThePlaintext() {
        SecretCipher cipher = SecretCipher.fromKeyRing("k1:" + OLD_KEY);
        EncryptedValue value = cipher.encrypt("whsec_top-secret", "wh_1");

        assertThat(value.getKeyId()).isEqualTo("k1");
        assertThat(new String(value.getCiphertext().array(), StandardCharsets.ISO_8859_1)).doesNotContain("top-secret");
        assertThat(cipher.decrypt(value, "wh_1")).isEqualTo("whsec_top-secret");
        assertThat(cipher.encrypt("whsec_top-secret", "wh_1").getNonce()).as("fresh nonce").isNotEqualTo(value.getNonce());
    }

    @Test
    void aValueDecryptsOnlyForTheWebhookItWasEncryptedFor() {
        SecretCipher cipher = SecretCipher.fromKeyRing("k1:" + OLD_KEY);
        EncryptedValue value = cipher.encrypt("whsec_top-secret", "wh_1");

        assertThatThrownBy(() -> cipher.decrypt(value, "wh_2"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("value of another webhook");
    }

    @Test
    void rotatedKeyRingsEncryptWithTheFirstKeyAndStillDecryptOldValues() {
        EncryptedValue old = SecretCipher.fromKeyRing("k1:" + OLD_KEY).encrypt("s", "wh_1");
        SecretCipher rotated = SecretCipher.fromKeyRing("k2:" + NEW_KEY + ",k1:" + OLD_KEY);

        assertThat(rotated.decrypt(old, "wh_1")).isEqualTo("s");
        assertThat(rotated.encrypt("s", "wh_1").getKeyId()).isEqualTo("k2");
        assertThatThrownBy(() -> SecretCipher.fromKeyRing("k2:" + NEW_KEY).decrypt(old, "wh_1"))
                .hasMessageContaining("no secret key with id 'k1' is configured");
    }

    @Test
    void rejectsMalformedKeyRingsWithoutEchoingKeyMaterial() {
        assertThatThrownBy(() -> SecretCipher.fromKeyRing(""))
                .hasMessageContaining("the secret key ring is empty");
        assertThatThrownBy(() -> SecretCipher.fromKeyRing("k1:c2hvcnQ="))
                .hasMessage("secret key 'k1' must be 32 bytes (AES-256), got 5");
        assertThatThrownBy(() -> SecretCipher.fromKeyRing("k1:not*base64"))
                .hasMessage("secret key 'k1' is not valid base64");
        assertThatThrownBy(() -> SecretCipher.fromKeyRing(OLD_KEY))
                .hasMessage("secret key ring entry #1 must be id:base64key");
    }
}
