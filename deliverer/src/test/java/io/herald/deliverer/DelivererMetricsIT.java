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
import io.herald.testkit.WebhookReceiver.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import io.herald.testkit.TopicRecords;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deliverer's Prometheus endpoint counts exactly what a scripted run did: successes, a retry, a dead letter. */
@ExtendWith(HeraldInfrastructureExtension.class)
class DelivererMetricsIT {

    private static final String KEY_RING = "m:" + SecretCipher.generateKey();
    private static final SecretCipher CIPHER = SecretCipher.fromKeyRing(KEY_RING);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void countsDeliveriesRetriesDeadLettersAndLatenciesAndReportsReady(HeraldInfrastructure infra) throws Exception {
        String group = "metrics-it-" + HeraldIds.newEventId().toLowerCase();
        ConsumerGroups.startAtEnd(infra.bootstrapServers(), group, List.of(Topics.DELIVERIES));
        ConsumerGroups.startAtEnd(infra.bootstrapServers(), group + "-retries", Topics.retryTopics());
        try (WebhookReceiver receiver = WebhookReceiver.start();
                KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                        new StringSerializer(), HeraldSerdes.<SpecificRecord>valueSerializer(infra.registryUrl()));
                HeraldDeliverer deliverer = HeraldDeliverer.start(DelivererConfig.builder(infra.bootstrapServers(), infra.registryUrl(), KEY_RING)
                .set(DelivererConfig.GROUP_ID, group)
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8"))).build())) {
            receiver.script("/m-flaky", Reply.of(503), Reply.of(200));
            receiver.respond("/m-broken", 500, Duration.ZERO);
            Webhook healthy = webhook(receiver.url("/m-ok"));
            Webhook flaky = webhook(receiver.url("/m-flaky"));
            Webhook broken = webhook(receiver.url("/m-broken"));
            for (Webhook webhook : List.of(healthy, flaky, broken)) {
                producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS,
                        WebhookKeys.of(webhook.getTenant(), webhook.getId()), webhook));
            }
            for (Webhook webhook : List.of(healthy, healthy, healthy, flaky, broken)) {
                Delivery delivery = TestWebhooks.delivery(webhook, "{}");
                producer.send(new ProducerRecord<>(Topics.DELIVERIES, webhook.getId(), delivery));
            }
            producer.flush();
            String metrics = "http://localhost:" + deliverer.opsPort();

            // 3 + 1 delivered; the flaky one and the broken one retried once each; the broken one then given up.
            await().atMost(Duration.ofSeconds(60)).until(() -> value(scrape(metrics), "herald_deliveries_total",
                    "result=\"dead_lettered\"") == 1 && value(scrape(metrics), "herald_deliveries_total",
                    "result=\"delivered\"") == 4);
            String scraped = scrape(metrics);
            assertThat(value(scraped, "herald_deliveries_total", "result=\"retried\"")).isEqualTo(2);
            assertThat(value(scraped, "herald_retries_total", "tier=\"5s\"")).isEqualTo(2);
            assertThat(value(scraped, "herald_delivery_attempt_seconds_count", "outcome=\"succeeded\"")).isEqualTo(4);
            assertThat(value(scraped, "herald_delivery_attempt_seconds_count", "outcome=\"failed\"")).isEqualTo(3);
            assertThat(value(scraped, "herald_delivery_latency_seconds_count", "service=\"deliverer\"")).isEqualTo(4);
            assertThat(scraped).contains("herald_circuits_open{service=\"deliverer\"}",
                    "kafka_consumer_fetch_manager_records_lag_max", "jvm_memory_used_bytes");
            // The dead-letter gauge counts what the topic holds, all tests' dead letters included.
            long stored = TopicRecords.all(infra.bootstrapServers(), Topics.DEAD_LETTERS, new StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer()).size();
            assertThat(stored).isPositive();
            await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(metrics), "herald_dead_letters",
                    "service=\"deliverer\"") == stored);
            assertThat(get(metrics + "/health/live").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> get(metrics + "/health/ready").statusCode() == 200);
            assertThat(value(scrape(metrics), "herald_ready", "service=\"deliverer\"")).isEqualTo(1);
        }
    }

    private static String scrape(String base) throws Exception {
        HttpResponse<String> response = get(base + "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the sample of this metric whose labels contain {@code label}; 0 when there is none. */
    private static double value(String scraped, String metric, String label) {
        return scraped.lines()
                .filter(line -> line.startsWith(metric + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static Webhook webhook(String url) {
        Webhook webhook = TestWebhooks.webhook("metrics-it", url, WebhookSecrets.generate(), CIPHER);
        webhook.setRetryDelaysMs(List.of(300L));
        return webhook;
    }
}
