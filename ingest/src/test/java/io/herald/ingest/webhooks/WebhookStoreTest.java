package io.herald.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.schemas.WebhookKeys;
import io.herald.schemas.Topics;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.runtime.kafka.TransactionalProducer;
import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.Webhook;
import org.apache.avro.specific.SpecificRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What the store writes, checked on Kafka's MockProducer; the real topic is exercised by the end-to-end IT. */
class WebhookStoreTest {

    private static final SecretCipher CIPHER = SecretCipher.fromKeyRing("k1:" + SecretCipher.generateKey());
    private static final Serializer<SpecificRecord> NOT_SERIALIZED = (topic, value) -> new byte[0];

    private final MockProducer<String, SpecificRecord> producer =
            new MockProducer<>(true, null, new StringSerializer(), NOT_SERIALIZED);

    private static TransactionalProducer<String, SpecificRecord> transactional(
            MockProducer<String, SpecificRecord> producer) {
        return TransactionalProducer.start("test-webhook-store", () -> producer);
    }

    @Test
    void storesANewWebhookKeyedByTenantWithItsSecretEncrypted() {
        WebhookStore store = new WebhookStore(transactional(producer), CIPHER, Clock.systemUTC(),
                ForbiddenAddresses.strict());

        CreatedWebhook created = store.create(WebhookDefinition.of("acme", "SIEM", "https://siem.acme.test/in",
                List.of("security.*")));

        assertThat(created.signingSecret()).startsWith("whsec_");
        assertThat(created.toString()).doesNotContain(created.signingSecret());
        assertThat(producer.history()).extracting(r -> r.topic()).containsExactly(Topics.SUBSCRIPTIONS, Topics.AUDIT);
        assertThat(producer.transactionCommitted()).isTrue();
        var record = producer.history().get(0);
        assertThat(record.key()).isEqualTo(WebhookKeys.of("acme", created.id()));
        Webhook stored = (Webhook) record.value();
        AuditEntry audit = (AuditEntry) producer.history().get(1).value();
        assertThat(audit.getAction()).isEqualTo("webhook.created");
        assertThat(audit.getActor()).isEqualTo(WebhookStore.SYSTEM_ACTOR);
        assertThat(audit.getBefore()).isNull();
        assertThat(audit.getAfter()).contains("\"url\":\"https://siem.acme.test/in\"")
                .doesNotContain(created.signingSecret().substring(6));
        assertThat(stored.getVersion()).isEqualTo(1);
        assertThat(new String(stored.getSigningSecrets().get(0).getCiphertext().array(), StandardCharsets.ISO_8859_1))
                .doesNotContain(created.signingSecret().substring(6));
        assertThat(CIPHER.decrypt(stored.getSigningSecrets().get(0), created.id())).isEqualTo(created.signingSecret());
    }

    @Test
    void generatesAnEncryptedEd25519KeyPairOnRequestAndCanDropTheHeraldSignature() {
        WebhookStore store = new WebhookStore(transactional(producer), CIPHER, Clock.systemUTC(),
                ForbiddenAddresses.strict());

        CreatedWebhook created = store.create(WebhookDefinition.of("acme", "SIEM", "https://siem.acme.test/in",
                List.of("*")).withAsymmetricSignature().withoutHeraldSignature());

        Webhook stored = (Webhook) producer.history().get(0).value();
        assertThat(created.publicKey()).hasValueSatisfying(key -> assertThat(key).startsWith("whpk_"));
        assertThat(stored.getAsymmetricKey().getPublicKey()).isEqualTo(created.publicKey().orElseThrow());
        assertThat(CIPHER.decrypt(stored.getAsymmetricKey().getSecretKey(), created.id())).startsWith("whsk_");
        assertThat(stored.getHeraldSignature()).isFalse();
        assertThat(store.create(WebhookDefinition.of("acme", "plain", "https://x.acme.test/", List.of("*")))
                .publicKey()).isEmpty();
    }

    @Test
    void rejectsLiteralForbiddenAddressesUnlessAllowed() {
        WebhookStore strict = new WebhookStore(transactional(producer), CIPHER, Clock.systemUTC(),
                ForbiddenAddresses.strict());

        assertThatThrownBy(() -> strict.create(WebhookDefinition.of("acme", "x", "http://169.254.169.254/", List.of("*"))))
                .hasMessage("invalid webhook: url: 169.254.169.254 is a link-local address (cloud metadata lives here)");
        assertThatThrownBy(() -> strict.create(WebhookDefinition.of("acme", "x", "http://[::1]:8080/", List.of("*"))))
                .hasMessageContaining("is a loopback address");
        assertThatThrownBy(() -> strict.create(WebhookDefinition.of("acme", "x", "http://2130706433/", List.of("*"))))
                .hasMessageContaining("non-standard numeric IP spelling");
        assertThat(producer.history()).isEmpty();

        WebhookStore local = new WebhookStore(
                transactional(new MockProducer<>(true, null, new StringSerializer(), NOT_SERIALIZED)),
                CIPHER, Clock.systemUTC(),
                new ForbiddenAddresses(List.of(Cidr.parse("127.0.0.0/8"))));
        assertThat(local.create(WebhookDefinition.of("acme", "x", "http://127.0.0.1:9000/", List.of("*"))).id())
                .startsWith("wh_");
    }
}
