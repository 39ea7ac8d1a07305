package io.herald.deliverer;

import io.herald.runtime.config.CommonSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.Topics;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookSecrets;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.Webhook;
import io.herald.testkit.ConsumerGroups;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.WebhookReceiver;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A deliverer stopped with requests in flight lets them finish and commits them before it goes: its successor
 * delivers the rest, and nothing arrives twice.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class DelivererShutdownIT {

    private static final String KEY_RING = "s:" + SecretCipher.generateKey();
    private static final SecretCipher CIPHER = SecretCipher.fromKeyRing(KEY_RING);
    private static final int DELIVERIES = 40;

    @Test
    void aGracefulStopFinishesWhatIsInFlightAndTheSuccessorDeliversTheRestOnce(HeraldInfrastructure infra) {
        String group = "shutdown-it-" + HeraldIds.newEventId().toLowerCase();
        ConsumerGroups.startAtEnd(infra.bootstrapServers(), group, List.of(Topics.DELIVERIES));
        ConsumerGroups.startAtEnd(infra.bootstrapServers(), group + "-retries", Topics.retryTopics());
        DelivererConfig config = DelivererConfig.builder(infra.bootstrapServers(), infra.registryUrl(), KEY_RING)
                .set(DelivererConfig.GROUP_ID, group)
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8"))).build();
        try (WebhookReceiver receiver = WebhookReceiver.start();
                KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                        new StringSerializer(), HeraldSerdes.<SpecificRecord>valueSerializer(infra.registryUrl()))) {
            receiver.respond("/slow", 200, Duration.ofMillis(300));
            Webhook webhook = TestWebhooks.webhook("shutdown-it", receiver.url("/slow"),
                    WebhookSecrets.generate(), CIPHER);
            producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS,
                    WebhookKeys.of(webhook.getTenant(), webhook.getId()), webhook));
            Set<String> sent = new HashSet<>();
            for (int i = 0; i < DELIVERIES; i++) {
                Delivery delivery = TestWebhooks.delivery(webhook, "{\"n\":" + i + "}");
                sent.add(delivery.getId());
                producer.send(new ProducerRecord<>(Topics.DELIVERIES, webhook.getId(), delivery));
            }
            producer.flush();

            try (HeraldDeliverer first = HeraldDeliverer.start(config)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/slow").size() >= 5);
            } // close(): in-flight requests finish, their offsets are committed
            int beforeStop = receiver.requests("/slow").size();
            assertThat(beforeStop).as("stopped mid-way").isLessThan(DELIVERIES);

            try (HeraldDeliverer successor = HeraldDeliverer.start(config)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> webhookIds(receiver).keySet().containsAll(sent));
            }
            Map<String, Long> copies = webhookIds(receiver);
            assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(copies.values()).as("nothing delivered twice").containsOnly(1L);
        }
    }

    private static Map<String, Long> webhookIds(WebhookReceiver receiver) {
        return receiver.requests("/slow").stream()
                .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
    }
}
