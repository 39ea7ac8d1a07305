package io.herald.deliverer.retry;

import io.herald.schemas.Topics;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.serde.HeraldSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import io.herald.schemas.tracing.HeraldTracing;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands retries back to the normal delivery path when they are due, never earlier. Reads every retry tier; when a
 * partition's head is not due yet, pauses that partition (seeking back to the head) and resumes it at the due
 * time, so no thread ever sleeps on a record and other partitions and tiers move on. Due records are copied to
 * {@link Topics#DELIVERIES} in a transaction together with the consumed offsets: each retry is handed back once.
 */
public final class RetryForwarder implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetryForwarder.class);
    private static final Duration MAX_POLL = Duration.ofMillis(200);

    private final KafkaConsumer<String, Delivery> consumer;
    private final KafkaProducer<String, Delivery> producer;
    private final Clock clock;
    private final Map<TopicPartition, Long> resumeAt = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param sessionTimeout how long a silent forwarder keeps its partitions before the group hands them on */
    public RetryForwarder(String bootstrapServers, String registryUrl, String groupId, Duration sessionTimeout,
            Clock clock) {
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId + "-retries",
                ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-retries",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) sessionTimeout.toMillis() / 3),
                new StringDeserializer(), HeraldSerdes.<Delivery>valueDeserializer(registryUrl));
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, groupId + "-retry-forwarder",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-retry-forwarder-" + UUID.randomUUID()),
                new StringSerializer(), HeraldSerdes.<Delivery>valueSerializer(registryUrl));
        this.thread = new Thread(this, "retry-forwarder");
    }

    public void start() {
        producer.initTransactions();
        consumer.subscribe(Topics.retryTopics(), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(resumeAt::remove); // a partition that comes back starts from its committed head
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                partitions.forEach(resumeAt::remove);
            }
        });
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (running) {
                resumeDuePartitions();
                forward(consumer.poll(pollTimeout()));
            }
        } catch (WakeupException stopping) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("Retry forwarding stopped; queued retries wait for the next deliverer", e);
        } finally {
            consumer.close();
            producer.close();
        }
    }

    private void forward(Iterable<ConsumerRecord<String, Delivery>> records) {
        long now = clock.millis();
        List<ConsumerRecord<String, Delivery>> due = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, Delivery> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (resumeAt.containsKey(partition)) {
                continue; // paused in this batch already: the rest of the partition waits behind its head
            }
            long dueAt = dueAt(record);
            if (dueAt > now) {
                consumer.pause(List.of(partition));
                consumer.seek(partition, record.offset());
                resumeAt.put(partition, dueAt);
                continue;
            }
            due.add(record);
            offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
        }
        if (due.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            for (ConsumerRecord<String, Delivery> record : due) {
                if (record.value() != null) {
                    ProducerRecord<String, Delivery> forwarded = new ProducerRecord<>(Topics.DELIVERIES, record.key(),
                            record.value());
                    HeraldTracing.CONTEXT_HEADERS.forEach(name -> {
                        Header header = record.headers().lastHeader(name);
                        if (header != null) {
                            forwarded.headers().add(header); // the attempt stays in the event's trace
                        }
                    });
                    producer.send(forwarded);
                }
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (KafkaException e) {
            producer.abortTransaction();
            offsets.keySet().forEach(p -> consumer.seek(p, due.stream()
                    .filter(r -> r.topic().equals(p.topic()) && r.partition() == p.partition())
                    .mapToLong(ConsumerRecord::offset).min().orElseThrow()));
            LOG.warn("Handing {} retries back failed; trying again", due.size(), e);
        }
    }

    private void resumeDuePartitions() {
        long now = clock.millis();
        List<TopicPartition> due = resumeAt.entrySet().stream().filter(e -> e.getValue() <= now)
                .map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            due.forEach(resumeAt::remove);
            consumer.resume(due.stream().filter(consumer.assignment()::contains).toList());
        }
    }

    private Duration pollTimeout() {
        long now = clock.millis();
        long soonest = resumeAt.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        return Duration.ofMillis(Math.max(1, Math.min(MAX_POLL.toMillis(), soonest - now)));
    }

    private static long dueAt(ConsumerRecord<String, Delivery> record) {
        Header header = record.headers().lastHeader(Topics.DUE_AT_HEADER);
        if (header == null) {
            return 0; // no due time: hand it back at once rather than lose it
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return 0;
        }
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
