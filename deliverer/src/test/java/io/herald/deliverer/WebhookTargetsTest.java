package io.herald.deliverer;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookSecrets;
import io.herald.schemas.webhook.RetiringSecret;
import io.herald.schemas.webhook.Webhook;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookTargetsTest {

    private static final SecretCipher CIPHER = SecretCipher.fromKeyRing("k:" + SecretCipher.generateKey());
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void aRotatedOutSecretSignsUntilItExpires() {
        String current = WebhookSecrets.generate();
        String previous = WebhookSecrets.generate();
        Webhook webhook = webhook("wh_1", current, new RetiringSecret(CIPHER.encrypt(previous, "wh_1"),
                NOW.plus(Duration.ofHours(24))));

        WebhookTarget target = new WebhookTargets(CIPHER).from(webhook);

        assertThat(target.secretsAt(NOW)).containsExactly(current, previous);
        assertThat(target.secretsAt(NOW.plus(Duration.ofHours(25)))).containsExactly(current);
    }

    @Test
    void appendsQueryParametersEncodedAfterExistingOnes() {
        assertThat(WebhookTargets.withQuery("https://x.test/in", Map.of())).isEqualTo("https://x.test/in");
        assertThat(WebhookTargets.withQuery("https://x.test/in", Map.of("b", "2 3", "a", "&1")))
                .isEqualTo("https://x.test/in?a=%261&b=2+3");
        assertThat(WebhookTargets.withQuery("https://x.test/in?src=herald", Map.of("k", "v")))
                .isEqualTo("https://x.test/in?src=herald&k=v");
    }

    private static Webhook webhook(String id, String secret, RetiringSecret retiring) {
        return Webhook.newBuilder().setId(id).setTenant("acme").setName("n").setUrl("https://x.test/in")
                .setEventTypes(List.of("*")).setActive(true)
                .setSigningSecrets(List.of(CIPHER.encrypt(secret, id))).setRetiringSecrets(List.of(retiring))
                .setCreatedAt(NOW).setUpdatedAt(NOW).setVersion(1).build();
    }
}
