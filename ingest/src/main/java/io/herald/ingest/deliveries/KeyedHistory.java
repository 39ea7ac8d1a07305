package io.herald.ingest.deliveries;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.store.TopicUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The records of one key on a topic keyed by it (webhook id on {@code herald.attempts} and the dead letters), read
 * straight from the key's partition: Kafka is the store, nothing is copied. Pages run newest first, reading the
 * partition backwards in chunks; a page's cursor is a partition offset, so paging is exact while records arrive.
 * Only records with the key are decoded. Each call uses its own short-lived consumer: safe from any thread.
 */
public final class KeyedHistory<V> {

    private static final int DEFAULT_CHUNK = 500;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final KafkaClients kafka;
    private final String topic;
    private final Deserializer<V> values;
    private final long maxScanned;
    private final int chunk;

    /**
     * @param values decodes the records of the key; shared by all calls, never closed here
     * @param maxScanned the most records one call reads before it returns what it found, with a cursor to go on
     */
    public KeyedHistory(KafkaClients kafka, String topic, Deserializer<V> values, long maxScanned) {
        this(kafka, topic, values, maxScanned, DEFAULT_CHUNK);
    }

    /** @param chunk how many records each backward step reads */
    KeyedHistory(KafkaClients kafka, String topic, Deserializer<V> values, long maxScanned, int chunk) {
        this.kafka = kafka;
        this.topic = topic;
        this.values = values;
        this.maxScanned = maxScanned;
        this.chunk = chunk;
    }

    /** One record and where it is: its offset is the cursor for the records before it. */
    public record Entry<V>(long offset, long timestamp, V value) {
    }

    /**
     * @param entries newest first
     * @param nextBefore the cursor of the next (older) page; null when the partition's beginning was reached
     */
    public record Page<V>(List<Entry<V>> entries, Long nextBefore) {
    }

    /**
     * The newest records of {@code key} that {@code filter} accepts.
     *
     * @param before only records older than this offset (a previous page's cursor), or null for the newest
     */
    public Page<V> newestFirst(String key, Predicate<V> filter, Long before, int limit) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition partition = partitionOf(consumer, key);
            List<TopicPartition> assigned = List.of(partition);
            consumer.assign(assigned);
            long beginning = consumer.beginningOffsets(assigned, READ_TIMEOUT).get(partition);
            long end = consumer.endOffsets(assigned, READ_TIMEOUT).get(partition);
            long upTo = before == null ? end : Math.min(before, end);
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            List<Entry<V>> found = new ArrayList<>();
            long scanned = 0;
            while (upTo > beginning && found.size() < limit) {
                if (scanned >= maxScanned) {
                    return new Page<>(found, upTo);
                }
                long from = Math.max(beginning, upTo - chunk);
                List<Entry<V>> chunk = read(consumer, partition, from, upTo, keyBytes, filter);
                scanned += upTo - from;
                Collections.reverse(chunk);
                for (Entry<V> entry : chunk) {
                    if (found.size() == limit) {
                        return new Page<>(found, found.get(found.size() - 1).offset());
                    }
                    found.add(entry);
                }
                upTo = from;
            }
            return new Page<>(found, upTo > beginning ? found.get(found.size() - 1).offset() : null);
        }
    }

    /** Every record of {@code key} written at or after {@code sinceMillis} (record time), oldest first. */
    public List<Entry<V>> since(String key, long sinceMillis, Predicate<V> filter) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition partition = partitionOf(consumer, key);
            List<TopicPartition> assigned = List.of(partition);
            consumer.assign(assigned);
            long end = consumer.endOffsets(assigned, READ_TIMEOUT).get(partition);
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(partition, sinceMillis), READ_TIMEOUT)
                    .get(partition);
            if (start == null) {
                return List.of();
            }
            return read(consumer, partition, start.offset(), end, key.getBytes(StandardCharsets.UTF_8), filter);
        }
    }

    private List<Entry<V>> read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long from,
            long upTo, byte[] key, Predicate<V> filter) {
        consumer.seek(partition, from);
        List<Entry<V>> entries = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (consumer.position(partition) < upTo) {
            if (System.nanoTime() > deadline) {
                throw new TopicUnavailableException("reading " + partition + " from " + from + " timed out", null);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                if (record.offset() >= upTo || !Arrays.equals(record.key(), key) || record.value() == null) {
                    continue;
                }
                V value = values.deserialize(record.topic(), record.headers(), record.value());
                if (value != null && filter.test(value)) {
                    entries.add(new Entry<>(record.offset(), record.timestamp(), value));
                }
            }
        }
        return entries;
    }

    /** The partition the producers' default partitioner puts the key on. */
    private TopicPartition partitionOf(KafkaConsumer<byte[], byte[]> consumer, String key) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, READ_TIMEOUT);
        if (partitions == null || partitions.isEmpty()) {
            throw new TopicUnavailableException("topic " + topic + " does not exist", null);
        }
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions.size();
        return new TopicPartition(topic, partition);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return kafka.consumer("herald-ingest-history-" + topic, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, chunk),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
