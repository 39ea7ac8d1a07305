package io.herald.signatures;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {

    private static final String SECRET = WebhookSecrets.generate();
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"user.created\"}";

    private final WebhookVerifier verifier = new WebhookVerifier(SECRET, WebhookVerifier.DEFAULT_TOLERANCE,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void acceptsASignedRequestWhateverTheHeaderCase() {
        assertThatCode(() -> verifier.verify(BODY, signed(SECRET, NOW, BODY, "Webhook-Signature")))
                .doesNotThrowAnyException();
    }

    @Test
    void acceptsWhenAnyOfSeveralSignaturesMatches() {
        Map<String, String> headers = signed(SECRET, NOW, BODY, "webhook-signature");
        String rotated = WebhookSignatures.standardHeader(List.of(WebhookSecrets.generate(), SECRET), "msg_1",
                NOW.getEpochSecond(), BODY);
        assertThatCode(() -> verifier.verify(BODY, Map.of("webhook-id", "msg_1",
                "webhook-timestamp", headers.get("webhook-timestamp"), "webhook-signature", rotated)))
                .doesNotThrowAnyException();
    }

    @Test
    void rejectsATamperedBodyAWrongSecretAndAStaleTimestamp() {
        assertThatThrownBy(() -> verifier.verify(BODY + " ", signed(SECRET, NOW, BODY, "webhook-signature")))
                .isInstanceOf(WebhookVerificationException.class).hasMessage("no webhook-signature matches the body");
        assertThatThrownBy(() -> verifier.verify(BODY, signed(WebhookSecrets.generate(), NOW, BODY,
                "webhook-signature"))).hasMessage("no webhook-signature matches the body");
        Instant old = NOW.minus(Duration.ofMinutes(6));
        assertThatThrownBy(() -> verifier.verify(BODY, signed(SECRET, old, BODY, "webhook-signature")))
                .hasMessage("webhook-timestamp is outside the tolerance of PT5M");
        Instant future = NOW.plus(Duration.ofMinutes(6));
        assertThatThrownBy(() -> verifier.verify(BODY, signed(SECRET, future, BODY, "webhook-signature")))
                .hasMessage("webhook-timestamp is outside the tolerance of PT5M");
    }

    @Test
    void rejectsMissingHeaders() {
        assertThatThrownBy(() -> verifier.verify(BODY, Map.of("webhook-id", "msg_1")))
                .hasMessage("header webhook-timestamp is missing");
    }

    @Test
    void checksTheHeraldSignature() {
        assertThat(verifier.verifyHeraldSignature(BODY, WebhookSignatures.herald(SECRET, BODY))).isTrue();
        assertThat(verifier.verifyHeraldSignature(BODY + "x", WebhookSignatures.herald(SECRET, BODY))).isFalse();
        assertThat(verifier.verifyHeraldSignature(BODY, null)).isFalse();
    }

    private static Map<String, String> signed(String secret, Instant at, String body, String signatureHeader) {
        return Map.of("webhook-id", "msg_1", "webhook-timestamp", Long.toString(at.getEpochSecond()),
                signatureHeader, WebhookSignatures.standard(secret, "msg_1", at.getEpochSecond(), body));
    }
}
