package io.herald.deliverer.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.Topics;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.ConsumerGroups;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicTail;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The retry forwarder against the real broker: due records go back to the deliveries topic, on time, once. */
@ExtendWith(HeraldInfrastructureExtension.class)
class RetryForwarderIT {

    private static final String FIVE_SECOND_TIER = Topics.retryTopicFor(Duration.ofSeconds(5));
    private static final String ONE_MINUTE_TIER = Topics.retryTopicFor(Duration.ofMinutes(1));

    private final String group = "retry-forwarder-it-" + HeraldIds.newEventId().toLowerCase();
    private final List<RetryForwarder> forwarders = new ArrayList<>();
    private final Map<String, Instant> dueAt = new ConcurrentHashMap<>();
    private KafkaProducer<String, Delivery> producer;
    private HandedBack handedBack;

    @BeforeEach
    void start(HeraldInfrastructure infra) {
        ConsumerGroups.startAtEnd(infra.bootstrapServers(), group + "-retries", Topics.retryTopics());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                new StringSerializer(), HeraldSerdes.<Delivery>valueSerializer(infra.registryUrl()));
        handedBack = new HandedBack(infra);
    }

    @AfterEach
    void stop() {
        forwarders.forEach(RetryForwarder::close);
        producer.close();
        handedBack.close();
    }

    @Test
    void handsEachRetryBackOnceWhenDueInOrderReadingItOnce(HeraldInfrastructure infra) {
        String webhookId = HeraldIds.newWebhookId();
        List<String> queued = queueMany(webhookId, 150, System.currentTimeMillis() + 1_500, 10);
        RetryForwarder forwarder = forwarder(infra);

        await().atMost(Duration.ofSeconds(30)).until(() -> handedBack.of(webhookId).size() >= queued.size());

        List<Received> received = handedBack.of(webhookId);
        assertThat(received).extracting(Received::deliveryId).containsExactlyElementsOf(queued); // once, in order
        assertThat(received).allSatisfy(r -> assertThat(r.receivedAt()).isAfterOrEqualTo(dueAt.get(r.deliveryId())));
        // A partition waiting for its head is paused, not read again and again from the head.
        assertThat(forwarder.recordsRead()).isEqualTo(queued.size());
    }

    @Test
    void aRetryWaitingInOneTierHoldsUpNoOtherTier(HeraldInfrastructure infra) {
        String patient = HeraldIds.newWebhookId();
        String soon = HeraldIds.newWebhookId();
        queue(ONE_MINUTE_TIER, patient, System.currentTimeMillis() + 60_000);
        String due = queue(FIVE_SECOND_TIER, soon, System.currentTimeMillis() + 500);
        producer.flush();
        forwarder(infra);

        await().atMost(Duration.ofSeconds(20)).until(() -> !handedBack.of(soon).isEmpty());

        assertThat(handedBack.of(soon)).extracting(Received::deliveryId).containsExactly(due);
        assertThat(handedBack.of(patient)).isEmpty();
    }

    @Test
    void whatAStoppedForwarderReadButDidNotHandBackIsHandedBackByTheNext(HeraldInfrastructure infra) {
        String webhookId = HeraldIds.newWebhookId();
        List<String> queued = queueMany(webhookId, 20, System.currentTimeMillis() + 4_000, 0);
        RetryForwarder first = forwarder(infra);
        await().atMost(Duration.ofSeconds(20)).until(() -> first.recordsRead() >= queued.size());
        first.close();
        assertThat(handedBack.of(webhookId)).as("nothing due yet").isEmpty();

        forwarder(infra);

        await().atMost(Duration.ofSeconds(60)).until(() -> handedBack.of(webhookId).size() >= queued.size());
        List<Received> received = handedBack.of(webhookId);
        assertThat(received).extracting(Received::deliveryId).containsExactlyElementsOf(queued);
        assertThat(received).allSatisfy(r -> assertThat(r.receivedAt()).isAfterOrEqualTo(dueAt.get(r.deliveryId())));
    }

    @Test
    void passesOverARecordThatIsNotADeliveryAndKeepsForwarding(HeraldInfrastructure infra) throws Exception {
        String webhookId = HeraldIds.newWebhookId();
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(FIVE_SECOND_TIER, webhookId, "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        String after = queue(FIVE_SECOND_TIER, webhookId, System.currentTimeMillis()); // same key: same partition
        producer.flush();
        forwarder(infra);

        await().atMost(Duration.ofSeconds(20)).until(() -> !handedBack.of(webhookId).isEmpty());
        assertThat(handedBack.of(webhookId)).extracting(Received::deliveryId).containsExactly(after);
    }

    private RetryForwarder forwarder(HeraldInfrastructure infra) {
        RetryForwarder forwarder = new RetryForwarder(infra.kafkaClients(), group,
                Duration.ofSeconds(10), Clock.systemUTC());
        forwarders.add(forwarder);
        forwarder.start();
        return forwarder;
    }

    /** Queues {@code count} retries in the 5-second tier, due from {@code firstDue} on, {@code apart} ms apart. */
    private List<String> queueMany(String webhookId, int count, long firstDue, long apart) {
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queued.add(queue(FIVE_SECOND_TIER, webhookId, firstDue + i * apart));
        }
        producer.flush();
        return queued;
    }

    /** Queues a retry of a delivery to {@code webhookId} due at {@code dueAtMillis}; returns the delivery's id. */
    private String queue(String tier, String webhookId, long dueAtMillis) {
        String eventId = HeraldIds.newEventId();
        Delivery delivery = Delivery.newBuilder()
                .setId(HeraldIds.deliveryId(eventId, webhookId))
                .setTenant("retry-it").setWebhookId(webhookId).setWebhookVersion(1)
                .setEventId(eventId).setEventType("user.created")
                .setEventTimestamp(Instant.now()).setRoutedAt(Instant.now())
                .setAttempt(2)
                .setBody("{}")
                .build();
        dueAt.put(delivery.getId(), Instant.ofEpochMilli(dueAtMillis));
        ProducerRecord<String, Delivery> record = new ProducerRecord<>(tier, webhookId, delivery);
        record.headers().add(Topics.DUE_AT_HEADER, Long.toString(dueAtMillis).getBytes(StandardCharsets.US_ASCII));
        producer.send(record);
        return delivery.getId();
    }

    private record Received(String deliveryId, Instant receivedAt) {
    }

    /** What is handed back to the deliveries topic (committed only) from now on, by webhook. */
    private static final class HandedBack implements AutoCloseable {

        private final Map<String, List<Received>> byWebhook = new ConcurrentHashMap<>();
        private final TopicTail tail;

        HandedBack(HeraldInfrastructure infra) {
            tail = TopicTail.<Delivery>fromEnd(infra, Topics.DELIVERIES, record -> byWebhook
                    .computeIfAbsent(record.value().getWebhookId(), id -> new CopyOnWriteArrayList<>())
                    .add(new Received(record.value().getId(), Instant.now())));
        }

        List<Received> of(String webhookId) {
            return List.copyOf(byWebhook.getOrDefault(webhookId, List.of()));
        }

        @Override
        public void close() {
            tail.close();
        }
    }
}
