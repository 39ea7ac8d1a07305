package io.herald.signatures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignaturesTest {

    // The test vector published with the Standard Webhooks reference implementations.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final String BODY = "{\"test\": 2432232314}";

    @Test
    void reproducesTheStandardWebhooksTestVector() {
        assertThat(WebhookSignatures.standard(SECRET, MESSAGE_ID, TIMESTAMP, BODY))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsWithEverySecretDuringRotation() {
        String next = WebhookSecrets.generate();
        String header = WebhookSignatures.standardHeader(List.of(next, SECRET), MESSAGE_ID, TIMESTAMP, BODY);

        assertThat(header.split(" ")).containsExactly(
                WebhookSignatures.standard(next, MESSAGE_ID, TIMESTAMP, BODY),
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void heraldSignatureIsGithubStyleHexOverTheBodyKeyedWithTheSecretString() {
        // HMAC-SHA256("It's a Secret to Everybody", "Hello, World!") from GitHub's webhook documentation.
        assertThat(WebhookSignatures.herald("It's a Secret to Everybody", "Hello, World!"))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    @Test
    void generatedSecretsAreStandardWebhooksSecrets() {
        String secret = WebhookSecrets.generate();
        assertThat(secret).startsWith("whsec_");
        assertThat(WebhookSecrets.keyBytes(secret)).hasSize(32);
        assertThat(WebhookSecrets.isValid(secret)).isTrue();
        assertThat(WebhookSecrets.isValid("whsec_not base64!")).isFalse();
        assertThat(WebhookSecrets.isValid("whsec_c2hvcnQ=")).as("too short").isFalse();
    }
}
