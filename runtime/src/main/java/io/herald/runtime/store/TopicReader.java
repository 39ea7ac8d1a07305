package io.herald.runtime.store;

import io.herald.runtime.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import io.herald.runtime.kafka.UndecodableRecords;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of a topic on a background thread (no consumer group) and hands each record to a
 * callback; {@link #syncToEnd()} completes once everything written before the call has been handed over. The
 * building block of the services' local views of Herald's topics.
 */
public final class TopicReader<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration FETCH_MAX_WAIT = Duration.ofMillis(50);
    /** How long a sync waits for the topic's end offsets before the waiting callers are told Kafka is away. */
    private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(5);

    /** Where reading starts. */
    public enum Start { BEGINNING, END }

    private final KafkaConsumer<String, V> consumer;
    private final Consumer<ConsumerRecord<String, V>> apply;
    private final Queue<CompletableFuture<Void>> syncRequests = new ConcurrentLinkedQueue<>();
    private final Queue<PendingSync> offsetRequests = new ConcurrentLinkedQueue<>();
    /** Next offset to apply per partition, as of the last poll; read by callers of {@link #awaitApplied}. */
    private final Map<TopicPartition, Long> appliedUpTo = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<PendingSync> pendingSyncs = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private TopicReader(KafkaConsumer<String, V> consumer, Consumer<ConsumerRecord<String, V>> apply, String name) {
        this.consumer = consumer;
        this.apply = apply;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Starts reading; with {@link Start#BEGINNING}, returns once everything already on the topic was applied. */
    public static <V> TopicReader<V> start(KafkaClients kafka, String topic, Deserializer<V> values,
            String clientId, Start start, Consumer<ConsumerRecord<String, V>> apply, Duration loadTimeout) {
        return start(kafka, topic, values, clientId, start, null, apply, loadTimeout);
    }

    /**
     * Starts reading at the first record written at or after {@code from} (by record timestamp); returns once
     * everything already on the topic from there was applied.
     */
    public static <V> TopicReader<V> startFrom(KafkaClients kafka, String topic, Deserializer<V> values,
            String clientId, java.time.Instant from, Consumer<ConsumerRecord<String, V>> apply, Duration loadTimeout) {
        return start(kafka, topic, values, clientId, Start.BEGINNING, from, apply, loadTimeout);
    }

    private static <V> TopicReader<V> start(KafkaClients kafka, String topic, Deserializer<V> values,
            String clientId, Start start, java.time.Instant from, Consumer<ConsumerRecord<String, V>> apply,
            Duration loadTimeout) {
        // A reader is synced to the topic's end before answering (a caller sees its own writes): a fetch that finds
        // nothing new returns at once, not after Kafka's default half-second wait, which committed transactions'
        // markers did not cut short (measured: a sync after a webhook change took 450 ms; 50 ms of wait, below).
        KafkaConsumer<String, V> consumer = kafka.consumer(clientId,
                Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) FETCH_MAX_WAIT.toMillis()),
                new StringDeserializer(), values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        if (from != null) {
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, from.toEpochMilli()));
            var offsets = consumer.offsetsForTimes(times, loadTimeout);
            for (TopicPartition partition : partitions) {
                var found = offsets.get(partition);
                if (found == null) {
                    consumer.seekToEnd(List.of(partition)); // nothing written since then
                    consumer.position(partition);
                } else {
                    consumer.seek(partition, found.offset());
                }
            }
        } else if (start == Start.BEGINNING) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fix the start now, before anything else is written
        }
        TopicReader<V> reader = new TopicReader<>(consumer, apply, clientId);
        reader.thread.start();
        if (start == Start.BEGINNING) {
            try {
                reader.awaitSynced(loadTimeout);
            } catch (RuntimeException e) {
                reader.close();
                throw new IllegalStateException(topic + " could not be loaded within " + loadTimeout, e);
            }
        }
        return reader;
    }

    /** Completes once every record written before this call has been applied. */
    public CompletableFuture<Void> syncToEnd() {
        CompletableFuture<Void> synced = new CompletableFuture<>();
        syncRequests.add(synced);
        return synced;
    }

    /**
     * Blocks until {@link #syncToEnd()} completes; for request handlers that must see their own writes.
     *
     * @throws TopicUnavailableException when the topic could not be read to its end within the timeout
     */
    public void awaitSynced(Duration timeout) {
        try {
            syncToEnd().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicUnavailableException("interrupted while reading a topic", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicUnavailableException("the topic could not be read within " + timeout, e);
        }
    }

    /**
     * Blocks until the records at the given offsets (and everything before them) have been applied; for writers that
     * must see where their own records landed among others'.
     *
     * @throws TopicUnavailableException when they were not applied within the timeout
     */
    public void awaitApplied(Map<TopicPartition, Long> offsets, Duration timeout) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        offsets.forEach((partition, offset) -> ends.put(partition, offset + 1));
        CompletableFuture<Void> done = new CompletableFuture<>();
        offsetRequests.add(new PendingSync(ends, done));
        // Registered first, checked second: the reader thread either saw the request or had applied them before.
        if (ends.entrySet().stream().allMatch(end -> appliedUpTo.getOrDefault(end.getKey(), -1L) >= end.getValue())) {
            done.complete(null);
        }
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicUnavailableException("interrupted while reading a topic", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicUnavailableException("the topic could not be read within " + timeout, e);
        }
    }

    private void run() {
        try {
            while (running) {
                try {
                    pollOnce();
                    completeSyncs();
                } catch (RetriableException e) {
                    // Kafka is away or slow: keep reading once it answers; who waits for a sync now hears at once.
                    LOG.warn("Reading {} failed ({}); trying again", thread.getName(), e.toString());
                    failSyncs(new TopicUnavailableException("the topic could not be read: " + e, e));
                }
            }
        } catch (WakeupException closing) {
            // close() woke us up
        } catch (RuntimeException e) {
            LOG.error("Reading stopped; the view it feeds no longer changes", e);
        } finally {
            consumer.close();
            pendingSyncs.forEach(p -> p.done().completeExceptionally(new IllegalStateException("reader closed")));
            syncRequests.forEach(r -> r.completeExceptionally(new IllegalStateException("reader closed")));
            offsetRequests.forEach(r -> r.done().completeExceptionally(new IllegalStateException("reader closed")));
        }
    }

    private void pollOnce() {
        try {
            for (ConsumerRecord<String, V> record : consumer.poll(POLL_TIMEOUT)) {
                apply.accept(record);
                appliedUpTo.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
        } catch (RecordDeserializationException e) {
            UndecodableRecords.readAgainOrSkip(consumer, e, LOG, "record"); // the view waits for the registry
        }
    }

    private void completeSyncs() {
        PendingSync offsetRequest;
        while ((offsetRequest = offsetRequests.poll()) != null) {
            pendingSyncs.add(offsetRequest);
        }
        CompletableFuture<Void> request;
        Map<TopicPartition, Long> ends = null;
        while ((request = syncRequests.peek()) != null) {
            ends = ends != null ? ends : new HashMap<>(consumer.endOffsets(consumer.assignment(), END_OFFSETS_TIMEOUT));
            pendingSyncs.add(new PendingSync(ends, syncRequests.poll()));
        }
        pendingSyncs.removeIf(pending -> {
            boolean reached = pending.ends().entrySet().stream()
                    .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
            if (reached) {
                pending.done().complete(null);
            }
            return reached;
        });
    }

    private void failSyncs(RuntimeException failure) {
        pendingSyncs.forEach(pending -> pending.done().completeExceptionally(failure));
        pendingSyncs.clear();
        PendingSync offsetRequest;
        while ((offsetRequest = offsetRequests.poll()) != null) {
            offsetRequest.done().completeExceptionally(failure);
        }
        CompletableFuture<Void> request;
        while ((request = syncRequests.poll()) != null) {
            request.completeExceptionally(failure);
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

    private record PendingSync(Map<TopicPartition, Long> ends, CompletableFuture<Void> done) {
    }
}
