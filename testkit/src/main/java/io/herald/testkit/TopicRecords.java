package io.herald.testkit;

import io.herald.runtime.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads what a topic holds, for tests that check what Herald wrote. */
public final class TopicRecords {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private TopicRecords() {
    }

    /**
     * Every committed record of the topic up to its current end, partition by partition.
     *
     * @throws AssertionError when the topic can't be read to its end in 30 seconds
     */
    public static <K, V> List<ConsumerRecord<K, V>> all(String bootstrapServers, String topic, Deserializer<K> keys,
            Deserializer<V> values) {
        try (KafkaConsumer<K, V> consumer = KafkaClients.of(bootstrapServers).consumer(null, Map.of(), keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end in " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * How many records of a topic carry {@code text} in their value's bytes (an id, as Avro writes strings): counts
     * records of any type without decoding them.
     */
    public static long countContaining(String bootstrapServers, String topic, String text) {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return all(bootstrapServers, topic, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer()).stream()
                .filter(record -> record.value() != null && contains(record.value(), needle)).count();
    }

    /** Whether {@code needle} occurs in {@code haystack}. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
