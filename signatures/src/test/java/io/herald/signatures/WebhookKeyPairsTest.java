package io.herald.signatures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookKeyPairsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final String BODY = "{\"id\":\"evt_1\"}";

    @Test
    void generatesStandardWebhooksKeysWithRawThirtyTwoByteKeys() {
        WebhookKeyPairs.Keys keys = WebhookKeyPairs.generate();

        assertThat(keys.secretKey()).startsWith("whsk_");
        assertThat(keys.publicKey()).startsWith("whpk_");
        assertThat(Base64.getDecoder().decode(keys.secretKey().substring(5))).hasSize(32);
        assertThat(Base64.getDecoder().decode(keys.publicKey().substring(5))).hasSize(32);
        assertThat(keys.toString()).doesNotContain(keys.secretKey());
    }

    @Test
    void v1aSignaturesVerifyWithThePublicKeyOnly() {
        WebhookKeyPairs.Keys keys = WebhookKeyPairs.generate();
        String symmetric = WebhookSignatures.standard(WebhookSecrets.generate(), "msg_1", NOW.getEpochSecond(), BODY);
        String asymmetric = WebhookSignatures.asymmetric(keys.secretKey(), "msg_1", NOW.getEpochSecond(), BODY);
        WebhookVerifier verifier = new WebhookVerifier(keys.publicKey(), WebhookVerifier.DEFAULT_TOLERANCE,
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(asymmetric).startsWith("v1a,");
        assertThat(Base64.getDecoder().decode(asymmetric.substring(4))).hasSize(64);
        assertThatCode(() -> verifier.verify(BODY, headers(symmetric + " " + asymmetric))).doesNotThrowAnyException();
        assertThatThrownBy(() -> verifier.verify(BODY + "x", headers(symmetric + " " + asymmetric)))
                .hasMessage("no webhook-signature matches the body");
        assertThatThrownBy(() -> verifier.verify(BODY, headers(symmetric)))
                .hasMessage("no webhook-signature matches the body");
        String otherKeySignature = WebhookSignatures.asymmetric(WebhookKeyPairs.generate().secretKey(), "msg_1",
                NOW.getEpochSecond(), BODY);
        assertThatThrownBy(() -> verifier.verify(BODY, headers(otherKeySignature)))
                .hasMessage("no webhook-signature matches the body");
    }

    @Test
    void rejectsMalformedKeys() {
        assertThatThrownBy(() -> new WebhookVerifier("whpk_AAAA")).hasMessage("an ed25519 key is 32 bytes, got 3");
        assertThatThrownBy(() -> WebhookSignatures.asymmetric("whsec_abc", "m", 1, "b"))
                .hasMessage("an ed25519 secret key starts with whsk_");
    }

    private static Map<String, String> headers(String signatures) {
        return Map.of("webhook-id", "msg_1", "webhook-timestamp", Long.toString(NOW.getEpochSecond()),
                "webhook-signature", signatures);
    }
}
