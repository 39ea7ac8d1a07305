package io.herald.deliverer.retry;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.Topics;
import io.herald.runtime.kafka.TransactionalProducer;
import java.time.Instant;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.Collection;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import io.herald.schemas.tracing.HeraldTracing;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands retries back to the normal delivery path when they are due, never earlier. Reads every retry tier and keeps
 * what it read of each partition in memory until due; a partition whose head is not due yet is paused (so it is read
 * no further) and resumed once its records are all handed back, so no thread ever sleeps on a record, other
 * partitions and tiers move on, and each retry is read once. Due records are copied to {@link Topics#DELIVERIES}
 * in a transaction together with the consumed offsets: each retry is handed back once, and what was read but not
 * handed back is read again by whoever owns the partition next. Values are copied as they are, never decoded: they
 * are the same {@code Delivery} in the same wire format (its schema's content id is the same in every subject).
 */
public final class RetryForwarder implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetryForwarder.class);
    private static final Duration MAX_POLL = Duration.ofMillis(200);
    /** After a failed hand-back, how long before trying again (not a hot loop while the broker is away). */
    private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(1);
    /** Magic byte and schema id before the Avro body. */
    private static final int WIRE_HEADER_BYTES = 5;

    /** What a handed-back delivery keeps of its retry record's headers: its trace, and since when it is held back. */
    private static final List<String> FORWARDED_HEADERS = java.util.stream.Stream.concat(
            HeraldTracing.CONTEXT_HEADERS.stream(), java.util.stream.Stream.of(Topics.HELD_SINCE_HEADER,
                    Topics.DELIVERER_GROUP_HEADER)).toList();

    private final KafkaConsumer<String, byte[]> consumer;
    private final String transactionalId;
    private final byte[] groupIdBytes;
    private final Supplier<Producer<String, byte[]>> producers;
    private TransactionalProducer<String, byte[]> producer;
    private final Clock clock;
    /** Read but not handed back yet, per partition, in offset order; a partition left with records is paused. */
    private final Map<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> waiting = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long notBeforeMillis;

    /** @param sessionTimeout how long a silent forwarder keeps its partitions before the group hands them on */
    public RetryForwarder(KafkaClients kafka, String groupId, Duration sessionTimeout, Clock clock) {
        this.clock = clock;
        this.consumer = kafka.consumer(groupId + "-retries", Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupId + "-retries",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) sessionTimeout.toMillis() / 3,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.transactionalId = groupId + "-retry-forwarder-" + UUID.randomUUID();
        this.groupIdBytes = groupId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.producers = kafka.transactional(groupId + "-retry-forwarder", transactionalId, Map.of(),
                new StringSerializer(), new ByteArraySerializer());
        this.thread = new Thread(this, "retry-forwarder");
    }

    public void start() {
        producer = TransactionalProducer.start(transactionalId, producers);
        consumer.subscribe(Topics.retryTopics(), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(waiting::remove); // the next owner reads them again from the committed offset
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                partitions.forEach(waiting::remove); // a partition that comes back starts from its committed offset
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                partitions.forEach(waiting::remove);
            }
        });
        thread.start();
    }

    /** Retry records this forwarder has read from the tiers so far (each once, unless ownership moved). */
    public double recordsRead() {
        return consumer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("records-consumed-total")
                        && e.getKey().group().equals("consumer-fetch-manager-metrics")
                        && !e.getKey().tags().containsKey("topic"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    @Override
    public void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout())) {
                    if (!isDelivery(record)) {
                        continue;
                    }
                    waiting.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                            p -> new ArrayDeque<>()).addLast(record);
                }
                if (clock.millis() >= notBeforeMillis) {
                    forward(takeDue());
                }
            }
        } catch (WakeupException stopping) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("Retry forwarding stopped; queued retries wait for the next deliverer", e);
        } finally {
            consumer.close();
            if (producer != null) {
                producer.close();
            }
        }
    }

    /**
     * Whether the record can be a delivery: Herald's wire format (magic byte 0, a 4-byte schema id, then Avro). One
     * that can't is logged with its coordinates and passed over (its offset is committed with the next hand-back);
     * one that only looks like it is passed on, and the delivery worker passes it over in its turn.
     */
    private static boolean isDelivery(ConsumerRecord<String, byte[]> record) {
        byte[] value = record.value();
        if (value == null || (value.length > WIRE_HEADER_BYTES && value[0] == 0)) {
            return true; // a tombstone is handed on as nothing: only its offset counts
        }
        LOG.error("Skipping a retry that is not a delivery at {}-{}@{}", record.topic(), record.partition(),
                record.offset());
        return false;
    }

    /**
     * Takes every partition's due head records, in order; pauses partitions left with a record not due yet and
     * resumes those emptied.
     */
    private List<ConsumerRecord<String, byte[]>> takeDue() {
        long now = clock.millis();
        List<ConsumerRecord<String, byte[]>> due = new ArrayList<>();
        List<TopicPartition> toPause = new ArrayList<>();
        List<TopicPartition> toResume = new ArrayList<>();
        Set<TopicPartition> paused = consumer.paused();
        for (Iterator<Map.Entry<TopicPartition, Deque<ConsumerRecord<String, byte[]>>>> entries =
                     waiting.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<TopicPartition, Deque<ConsumerRecord<String, byte[]>>> entry = entries.next();
            Deque<ConsumerRecord<String, byte[]>> queue = entry.getValue();
            while (!queue.isEmpty() && dueAt(queue.peekFirst()) <= now) {
                due.add(queue.pollFirst());
            }
            if (queue.isEmpty()) {
                entries.remove();
                if (paused.contains(entry.getKey())) {
                    toResume.add(entry.getKey());
                }
            } else if (!paused.contains(entry.getKey())) {
                toPause.add(entry.getKey());
            }
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
        return due;
    }

    private void forward(List<ConsumerRecord<String, byte[]>> due) {
        if (due.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        try {
            producer.inTransaction(transaction -> {
                for (ConsumerRecord<String, byte[]> record : due) {
                    offsets.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    if (record.value() != null && ofThisGroup(record)) {
                        transaction.send(handedBack(record));
                    }
                }
                transaction.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                return null;
            });
        } catch (KafkaException e) { // aborted (a fenced or broken producer is replaced): nothing was handed back
            putBack(due);
            notBeforeMillis = clock.millis() + FAILURE_BACKOFF.toMillis();
            LOG.warn("Handing {} retries back failed; trying again", due.size(), e);
        }
    }

    /** Whether this group's deliverers queued the retry (retries queued before groups were named count as ours). */
    private boolean ofThisGroup(ConsumerRecord<String, byte[]> record) {
        Header group = record.headers().lastHeader(Topics.DELIVERER_GROUP_HEADER);
        return group == null || java.util.Arrays.equals(group.value(), groupIdBytes);
    }

    private static ProducerRecord<String, byte[]> handedBack(ConsumerRecord<String, byte[]> record) {
        ProducerRecord<String, byte[]> forwarded = new ProducerRecord<>(Topics.DELIVERIES, record.key(),
                record.value());
        FORWARDED_HEADERS.forEach(name -> {
            Header header = record.headers().lastHeader(name);
            if (header != null) {
                forwarded.headers().add(header);
            }
        });
        return forwarded;
    }

    /** Puts records that were not handed back at the head of their partitions again, in their order. */
    private void putBack(List<ConsumerRecord<String, byte[]>> records) {
        Set<TopicPartition> owned = consumer.assignment();
        for (int i = records.size() - 1; i >= 0; i--) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (owned.contains(partition)) {
                waiting.computeIfAbsent(partition, p -> new ArrayDeque<>()).addFirst(record);
            }
        }
        List<TopicPartition> unpaused = waiting.keySet().stream()
                .filter(p -> !consumer.paused().contains(p)).toList();
        if (!unpaused.isEmpty()) {
            consumer.pause(unpaused);
        }
    }

    /** Until the soonest due head, at most {@link #MAX_POLL}; at once when something is due now. */
    private Duration pollTimeout() {
        long now = clock.millis();
        long soonest = Math.max(notBeforeMillis, waiting.values().stream()
                .mapToLong(queue -> dueAt(queue.peekFirst())).min().orElse(Long.MAX_VALUE));
        return Duration.ofMillis(Math.max(0, Math.min(MAX_POLL.toMillis(), soonest - now)));
    }

    /** When the record is due; at once when it carries no due time, rather than never. */
    private static long dueAt(ConsumerRecord<String, byte[]> record) {
        return InstantHeaders.read(record.headers(), Topics.DUE_AT_HEADER).map(Instant::toEpochMilli).orElse(0L);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
