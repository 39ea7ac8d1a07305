package io.herald.deliverer;

import io.herald.schemas.Topics;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.serde.HeraldSerdes;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes every attempt to {@link Topics#ATTEMPTS}, keyed by webhook id, durably ({@code acks=all}). */
final class AttemptRecorder implements AutoCloseable {

    private final Producer<String, DeliveryAttempt> producer;

    AttemptRecorder(DelivererConfig config) {
        this.producer = config.kafka().producer("herald-deliverer-attempts", Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, Topics.PUBLIC_COMPRESSION,
                ProducerConfig.COMPRESSION_GZIP_LEVEL_CONFIG, Topics.PUBLIC_COMPRESSION_LEVEL),
                new StringSerializer(), HeraldSerdes.<DeliveryAttempt>valueSerializer(config.registry()));
    }

    CompletableFuture<DeliveryAttempt> record(DeliveryAttempt attempt) {
        CompletableFuture<DeliveryAttempt> stored = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(Topics.ATTEMPTS, attempt.getWebhookId(), attempt), (metadata, error) -> {
            if (error != null) {
                stored.completeExceptionally(error);
            } else {
                stored.complete(attempt);
            }
        });
        return stored;
    }

    @Override
    public void close() {
        producer.close();
    }
}
