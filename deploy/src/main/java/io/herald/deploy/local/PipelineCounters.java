package io.herald.deploy.local;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.Topics;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.serde.HeraldSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Counts what the pipeline did by reading its topics, as any Kafka consumer could: deliveries the router created
 * (committed transactions only) and attempts by outcome.
 */
final class PipelineCounters implements AutoCloseable {

    private final AtomicLong routed = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<DeliveryAttempt> attempts;
    private final Thread thread;

    PipelineCounters(KafkaClients kafka, RegistryEndpoint registry) {
        consumer = kafka.consumer("herald-local-counters", Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "herald-local-counters",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        attempts = HeraldSerdes.valueDeserializer(registry);
        consumer.subscribe(List.of(Topics.DELIVERIES, Topics.ATTEMPTS));
        thread = new Thread(this::run, "pipeline-counters");
        thread.setDaemon(true);
        thread.start();
    }

    long routed() {
        return routed.get();
    }

    long delivered() {
        return delivered.get();
    }

    long failed() {
        return failed.get();
    }

    long skipped() {
        return skipped.get();
    }

    long attempted() {
        return delivered() + failed() + skipped();
    }

    private void run() {
        try (consumer) {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    count(record);
                }
            }
        } catch (WakeupException closing) {
            // close() asked us to stop
        }
    }

    private void count(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(Topics.DELIVERIES)) {
            routed.incrementAndGet();
            return;
        }
        switch (attempts.deserialize(record.topic(), record.value()).getOutcome()) {
            case SUCCEEDED -> delivered.incrementAndGet();
            case SKIPPED -> skipped.incrementAndGet();
            default -> failed.incrementAndGet();
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
