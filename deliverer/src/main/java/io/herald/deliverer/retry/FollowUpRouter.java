package io.herald.deliverer.retry;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.Topics;
import io.herald.schemas.delivery.DeadLetter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.serde.HeraldSerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import io.herald.schemas.tracing.HeraldTracing;
import io.opentelemetry.context.Context;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Where a delivery goes when this attempt did not deliver it: to the retry tier for its delay (a failed attempt, or
 * one the endpoint guard deferred), held back with since when (a failing webhook), or to the dead letters.
 */
public final class FollowUpRouter implements AutoCloseable {

    private final Producer<String, SpecificRecord> producer;
    private final Clock clock;
    private final byte[] groupId;

    /** @param groupId the deliverer group, named on every retry so that only its own forwarder hands it back */
    public FollowUpRouter(KafkaClients kafka, RegistryEndpoint registry, Clock clock, String groupId) {
        this.clock = clock;
        this.groupId = groupId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.producer = kafka.producer("herald-deliverer-retries", Map.of(ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), HeraldSerdes.<SpecificRecord>valueSerializer(registry));
    }

    /** Queues {@code next} (the following attempt) to be handed back to the deliverers at {@code dueAt}. */
    public CompletableFuture<Void> retry(Delivery next, Instant dueAt, Context trace) {
        return send(retryRecord(next, dueAt, trace));
    }

    /**
     * Queues a delivery that a failing webhook holds back unsent, to come back at {@code dueAt}, marked with since
     * when it is held back.
     */
    public CompletableFuture<Void> holdBack(Delivery delivery, Instant dueAt, Instant heldSince, Context trace) {
        ProducerRecord<String, SpecificRecord> record = retryRecord(delivery, dueAt, trace);
        InstantHeaders.put(record.headers(), Topics.HELD_SINCE_HEADER, heldSince);
        return send(record);
    }

    /** The delivery in the retry tier nearest to its delay, with its due time and the event's trace. */
    private ProducerRecord<String, SpecificRecord> retryRecord(Delivery delivery, Instant dueAt, Context trace) {
        String topic = Topics.retryTopicFor(Duration.between(clock.instant(), dueAt));
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(topic, delivery.getWebhookId(),
                delivery);
        carryTrace(trace, record);
        InstantHeaders.put(record.headers(), Topics.DUE_AT_HEADER, dueAt);
        record.headers().add(Topics.DELIVERER_GROUP_HEADER, groupId);
        return record;
    }

    /** Gives up on a delivery whose history holds every attempt. */
    public CompletableFuture<Void> deadLetter(Delivery withHistory, String reason, Context trace) {
        DeadLetter letter = new DeadLetter(withHistory, reason, clock.instant());
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(Topics.DEAD_LETTERS,
                withHistory.getWebhookId(), letter);
        carryTrace(trace, record);
        return send(record);
    }

    /** Later attempts join the event's trace: the record carries the routing span's context, as the delivery did. */
    private static void carryTrace(Context trace, ProducerRecord<String, SpecificRecord> record) {
        HeraldTracing.carryOn(trace, record.headers());
    }

    private CompletableFuture<Void> send(ProducerRecord<String, SpecificRecord> record) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                sent.completeExceptionally(error);
            } else {
                sent.complete(null);
            }
        });
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}
