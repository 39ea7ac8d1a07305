package io.herald.testkit;

import io.herald.schemas.serde.HeraldSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic of Herald records on its own thread (committed records only) and hands each one to a callback, for
 * tests that wait on what a service writes. Closing it stops the thread and the consumer.
 */
public final class TopicTail implements AutoCloseable {

    private final Thread thread;
    private volatile boolean running = true;

    private <V extends SpecificRecord> TopicTail(KafkaConsumer<String, V> consumer, String topic,
            Consumer<ConsumerRecord<String, V>> onRecord) {
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    consumer.poll(Duration.ofMillis(100)).forEach(onRecord);
                }
            }
        }, "tail-" + topic);
        thread.start();
    }

    /** Everything the topic holds and receives from now on. */
    public static <V extends SpecificRecord> TopicTail fromStart(HeraldInfrastructure infra, String topic,
            Consumer<ConsumerRecord<String, V>> onRecord) {
        return start(infra, topic, false, onRecord);
    }

    /** Only what the topic receives after this returns. */
    public static <V extends SpecificRecord> TopicTail fromEnd(HeraldInfrastructure infra, String topic,
            Consumer<ConsumerRecord<String, V>> onRecord) {
        return start(infra, topic, true, onRecord);
    }

    private static <V extends SpecificRecord> TopicTail start(HeraldInfrastructure infra, String topic,
            boolean atEnd, Consumer<ConsumerRecord<String, V>> onRecord) {
        KafkaConsumer<String, V> consumer = consumer(infra);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        if (atEnd) {
            consumer.seekToEnd(partitions);
        } else {
            consumer.seekToBeginning(partitions);
        }
        partitions.forEach(consumer::position); // fixes the start now: seeking alone is lazy
        return new TopicTail(consumer, topic, onRecord);
    }

    private static <V extends SpecificRecord> KafkaConsumer<String, V> consumer(HeraldInfrastructure infra) {
        return infra.kafkaClients().consumer(null, Map.of(), new StringDeserializer(),
                HeraldSerdes.<V>valueDeserializer(infra.registryUrl()));
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
