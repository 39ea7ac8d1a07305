package io.herald.deliverer;

import io.herald.runtime.config.CommonSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.Topics;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookSecrets;
import io.herald.signatures.WebhookVerifier;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.Webhook;
import io.herald.testkit.ConsumerGroups;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.WebhookReceiver;
import io.herald.testkit.WebhookReceiver.ReceivedRequest;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deliverer process killed with SIGKILL while requests are in flight, then replaced: every delivery still
 * arrives, and a delivery that arrives twice carries the same webhook-id (and verifies) both times.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class DelivererCrashIT {

    private static final String KEY_RING = "crash:" + SecretCipher.generateKey();
    private static final String GROUP = "crash-it-" + HeraldIds.newEventId().toLowerCase();
    private static final int DELIVERIES = 90;

    @Test
    void everyDeliveryArrivesAfterTheDelivererIsKilledMidFlight(HeraldInfrastructure infra, @TempDir Path logs)
            throws Exception {
        SecretCipher cipher = SecretCipher.fromKeyRing(KEY_RING);
        startGroupAtTheEnd(infra); // this group owes nothing to earlier tests' deliveries and retries
        try (WebhookReceiver receiver = WebhookReceiver.start();
                KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                        new StringSerializer(), HeraldSerdes.<SpecificRecord>valueSerializer(infra.registryUrl()))) {
            Map<String, String> secretByWebhook = new HashMap<>();
            List<Webhook> webhooks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                receiver.respond("/crash-" + i, 200, Duration.ofMillis(500)); // slow enough to be caught mid-flight
                String secret = WebhookSecrets.generate();
                Webhook webhook = TestWebhooks.webhook("crash-it", receiver.url("/crash-" + i), secret, cipher);
                secretByWebhook.put(webhook.getId(), secret);
                webhooks.add(webhook);
                producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS,
                        WebhookKeys.of(webhook.getTenant(), webhook.getId()), webhook));
            }
            Map<String, String> webhookByDelivery = new HashMap<>();
            for (int i = 0; i < DELIVERIES; i++) {
                Webhook webhook = webhooks.get(i % webhooks.size());
                Delivery delivery = TestWebhooks.delivery(webhook, "{\"n\":" + i + "}");
                webhookByDelivery.put(delivery.getId(), webhook.getId());
                producer.send(new ProducerRecord<>(Topics.DELIVERIES, webhook.getId(), delivery));
            }
            producer.flush();

            Process child = startDelivererProcess(infra, logs.resolve("deliverer.log").toFile());
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.totalRequests() >= DELIVERIES / 4);
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
                child.waitFor();
            }
            int beforeKill = receiver.totalRequests();
            assertThat(beforeKill).as("killed mid-way").isLessThan(DELIVERIES);

            try (HeraldDeliverer replacement = HeraldDeliverer.start(DelivererConfig.builder(infra.bootstrapServers(), infra.registryUrl(), KEY_RING)
                .set(DelivererConfig.GROUP_ID, GROUP)
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8"))).build())) {
                await().atMost(Duration.ofSeconds(90)).until(() ->
                        received(receiver, webhooks).keySet().containsAll(webhookByDelivery.keySet()));
            }

            Map<String, List<ReceivedRequest>> byWebhookId = received(receiver, webhooks);
            assertThat(byWebhookId.keySet()).containsExactlyInAnyOrderElementsOf(webhookByDelivery.keySet());
            long duplicates = 0;
            for (Map.Entry<String, List<ReceivedRequest>> entry : byWebhookId.entrySet()) {
                List<ReceivedRequest> copies = entry.getValue();
                duplicates += copies.size() - 1;
                for (ReceivedRequest copy : copies) {
                    assertThat(copy.body()).isEqualTo(copies.get(0).body());
                    new WebhookVerifier(secretByWebhook.get(webhookByDelivery.get(entry.getKey())))
                            .verify(copy.body(), copy.headers());
                }
            }
            System.out.printf("crash test: %d requests before the kill, %d duplicates after the restart%n",
                    beforeKill, duplicates);
        }
    }

    /** Requests received so far, by their webhook-id header. */
    private static Map<String, List<ReceivedRequest>> received(WebhookReceiver receiver, List<Webhook> webhooks) {
        List<ReceivedRequest> all = new ArrayList<>();
        for (int i = 0; i < webhooks.size(); i++) {
            all.addAll(receiver.requests("/crash-" + i));
        }
        return all.stream().collect(Collectors.groupingBy(r -> r.header("webhook-id")));
    }

    private static Process startDelivererProcess(HeraldInfrastructure infra, File log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dherald.kafka.bootstrap-servers=" + infra.bootstrapServers(),
                "-Dherald.registry.url=" + infra.registryUrl(),
                "-Dherald.secrets.keys=" + KEY_RING,
                "-Dherald.deliverer.group-id=" + GROUP,
                "-Dherald.egress.allowed-networks=127.0.0.0/8",
                // Four at a time per webhook (the rest wait on the retry path), so the kill finds work under way;
                // a short session, so the group hands its partitions on without the default 45 s wait.
                "-Dherald.deliverer.max-in-flight-per-webhook=4",
                "-Dherald.deliverer.session-timeout=6s",
                "-Dherald.deliverer.ops-port=0",
                DelivererMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
    }

    private static void startGroupAtTheEnd(HeraldInfrastructure infra) {
        ConsumerGroups.startAtEnd(infra.bootstrapServers(), GROUP, List.of(Topics.DELIVERIES));
        ConsumerGroups.startAtEnd(infra.bootstrapServers(), GROUP + "-retries", Topics.retryTopics());
    }
}
