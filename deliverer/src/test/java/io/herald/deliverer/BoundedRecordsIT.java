package io.herald.deliverer;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.Topics;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.webhook.Webhook;
import io.herald.signatures.WebhookSecrets;
import io.herald.testkit.ConsumerGroups;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import io.herald.testkit.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Everything Herald writes for a delivery (hand-backs to {@code herald.deliveries}, retries, dead letters, attempts) is
 * bounded, whatever its webhook does: refused by the egress guard, undecryptable (a secret of another key ring),
 * failing, black-holed, rate-limited; with two deliverer groups on the same topics. Once the retry schedules have run
 * out, the counts stop growing, and each delivery's stays under {@link #LIMIT_PER_GROUP} per group.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class BoundedRecordsIT {

    private static final String KEY_RING = "k1:" + SecretCipher.generateKey();
    private static final SecretCipher CIPHER = SecretCipher.fromKeyRing(KEY_RING);
    private static final SecretCipher OTHER_RING = SecretCipher.fromKeyRing("k9:" + SecretCipher.generateKey());
    /** Two retries: three attempts. Each retry is one record on a tier and one hand-back. */
    private static final List<Long> SCHEDULE = List.of(300L, 300L);
    /**
     * Per delivery and group: 3 attempts, 2 retry records, 2 hand-backs, 1 dead letter (8), the routed record once,
     * and a few deferrals (held back, rate-limited) each a retry record and a hand-back.
     */
    private static final int LIMIT_PER_GROUP = 16;
    private static final List<String> TOPICS;

    static {
        List<String> topics = new ArrayList<>(List.of(Topics.DELIVERIES, Topics.DEAD_LETTERS, Topics.ATTEMPTS));
        topics.addAll(Topics.retryTopics());
        TOPICS = List.copyOf(topics);
    }

    @Test
    void recordsPerDeliveryStopGrowingAndStayBoundedForEveryKindOfBadWebhookWithTwoGroups(HeraldInfrastructure infra)
            throws Exception {
        String run = HeraldIds.newEventId().substring(4).toLowerCase();
        List<String> groups = List.of("bounded-a-" + run, "bounded-b-" + run);
        for (String group : groups) { // earlier tests' deliveries are not theirs to read
            ConsumerGroups.startAtEnd(infra.bootstrapServers(), group, List.of(Topics.DELIVERIES));
            ConsumerGroups.startAtEnd(infra.bootstrapServers(), group + "-retries", Topics.retryTopics());
        }
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        try (WebhookReceiver receiver = WebhookReceiver.start();
                KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                        HeraldSerdes.<SpecificRecord>valueSerializer(infra.registryUrl()))) {
            receiver.respond("/failing", 500, Duration.ZERO);
            receiver.respond("/black-hole", 200, Duration.ofSeconds(30));
            Map<String, Webhook> webhooks = new LinkedHashMap<>();
            webhooks.put("refused", webhook("http://10.255.255.1/hook", CIPHER));
            webhooks.put("undecryptable", webhook(receiver.url("/undecryptable"), OTHER_RING));
            webhooks.put("failing", webhook(receiver.url("/failing"), CIPHER));
            Webhook blackHole = webhook(receiver.url("/black-hole"), CIPHER);
            blackHole.setTimeoutMs(500);
            webhooks.put("black-holed", blackHole);
            Webhook limited = webhook(receiver.url("/limited"), CIPHER);
            limited.setRateLimitPerSecond(2);
            webhooks.put("rate-limited", limited);
            for (Webhook webhook : webhooks.values()) {
                producer.send(new ProducerRecord<>(Topics.SUBSCRIPTIONS,
                        WebhookKeys.of(webhook.getTenant(), webhook.getId()), webhook));
            }
            producer.flush();
            List<HeraldDeliverer> deliverers = new ArrayList<>();
            try {
                for (String group : groups) {
                    deliverers.add(HeraldDeliverer.start(DelivererConfig.builder(infra.bootstrapServers(),
                                    infra.registryUrl(), KEY_RING)
                            .set(DelivererConfig.GROUP_ID, group)
                            .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofSeconds(1))
                            .set(DelivererConfig.CIRCUIT_FAILURES, 3)
                            .set(DelivererConfig.CIRCUIT_OPEN_FOR, Duration.ofSeconds(1))
                            .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8")))
                            .build()));
                }
                Thread.sleep(3_000); // both groups have their partitions
                Map<String, String> kindOf = new TreeMap<>(); // delivery id -> kind of webhook
                webhooks.forEach((kind, webhook) -> {
                    for (int i = 0; i < 8; i++) {
                        Delivery delivery = TestWebhooks.delivery(webhook, "{\"n\":" + i + "}");
                        kindOf.put(delivery.getId(), kind);
                        producer.send(new ProducerRecord<>(Topics.DELIVERIES, webhook.getId(), delivery));
                    }
                });
                producer.flush();

                Map<String, Long> counts = awaitStill(infra, kindOf.keySet());

                Map<String, Long> worst = new TreeMap<>();
                kindOf.forEach((id, kind) -> worst.merge(kind, counts.getOrDefault(id, 0L), Math::max));
                System.out.println("Most records for one delivery, by kind of webhook, two groups: " + worst);
                assertThat(worst).as("most records written for one delivery, by kind of webhook (%s)", counts)
                        .allSatisfy((kind, most) -> assertThat(most).as(kind)
                                .isLessThanOrEqualTo((long) LIMIT_PER_GROUP * groups.size()));
                long undecryptable = kindOf.keySet().stream().filter(id -> kindOf.get(id).equals("undecryptable"))
                        .mapToLong(id -> TopicRecords.countContaining(infra.bootstrapServers(), Topics.DEAD_LETTERS, id)).min().orElse(0);
                assertThat(undecryptable).as("a secret this deliverer cannot decrypt: dead-lettered by each group, "
                        + "recoverable once its key ring is fixed, not dropped").isEqualTo(groups.size());
                assertThat(receiver.requests("/limited")).as("each group once per delivery").hasSize(2 * 8);
            } finally {
                deliverers.forEach(HeraldDeliverer::close);
            }
        }
    }

    private static Webhook webhook(String url, SecretCipher cipher) {
        Webhook webhook = TestWebhooks.webhook("bounded-it", url, WebhookSecrets.generate(), cipher);
        webhook.setRetryDelaysMs(SCHEDULE);
        return webhook;
    }

    /**
     * Counts the records of each delivery over the topics until the counts have not changed for 10 s (what loops
     * would keep them growing), at most 2 minutes.
     */
    private static Map<String, Long> awaitStill(HeraldInfrastructure infra, java.util.Set<String> ids)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Map<String, Long> last = Map.of();
        long stillSince = System.nanoTime();
        while (true) {
            Thread.sleep(2_000);
            Map<String, Long> now = count(infra, ids);
            if (!now.equals(last)) {
                last = now;
                stillSince = System.nanoTime();
            } else if (System.nanoTime() - stillSince > Duration.ofSeconds(10).toNanos()) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("records per delivery still growing after 2 minutes: " + now);
            }
        }
    }

    /** Records on every topic Herald writes for deliveries that carry one of the ids (found in the raw bytes). */
    private static Map<String, Long> count(HeraldInfrastructure infra, java.util.Set<String> ids) {
        Map<byte[], String> needles = new LinkedHashMap<>();
        ids.forEach(id -> needles.put(id.getBytes(StandardCharsets.UTF_8), id));
        Map<String, Long> counts = new TreeMap<>();
        for (String topic : TOPICS) {
            for (var record : TopicRecords.all(infra.bootstrapServers(), topic, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                if (record.value() == null) {
                    continue;
                }
                for (Map.Entry<byte[], String> needle : needles.entrySet()) {
                    if (TopicRecords.contains(record.value(), needle.getKey())) {
                        counts.merge(needle.getValue(), 1L, Long::sum);
                        break;
                    }
                }
            }
        }
        return counts;
    }
}
