package io.herald.schemas.store;

import io.herald.schemas.SubscriptionKeys;
import io.herald.schemas.Topics;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.subscription.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's view of every webhook: the compacted {@link Topics#SUBSCRIPTIONS} topic read from the start by a
 * background thread and kept up to date (tombstones remove). {@link #syncToEnd()} lets a caller wait until the view
 * includes everything written so far: read-your-writes for the management API, and a catch-up for a deliverer
 * that meets a webhook created a moment ago.
 */
public final class SubscriptionView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionView.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final Consumer<String, Subscription> consumer;
    private final Map<String, Subscription> byWebhookId = new ConcurrentHashMap<>();
    private final Queue<CompletableFuture<Void>> syncRequests = new ConcurrentLinkedQueue<>();
    private final List<PendingSync> pendingSyncs = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private SubscriptionView(Consumer<String, Subscription> consumer) {
        this.consumer = consumer;
        this.thread = new Thread(this::run, "subscription-view");
        this.thread.setDaemon(true);
    }

    /** Starts reading and returns once everything already on the topic is loaded. */
    public static SubscriptionView start(String bootstrapServers, String registryUrl, String clientId,
            Duration loadTimeout) {
        Consumer<String, Subscription> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), HeraldSerdes.<Subscription>valueDeserializer(registryUrl));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.SUBSCRIPTIONS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        SubscriptionView view = new SubscriptionView(consumer);
        view.thread.start();
        try {
            view.syncToEnd().get(loadTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            view.close();
            throw new IllegalStateException("interrupted while loading subscriptions", e);
        } catch (ExecutionException | TimeoutException e) {
            view.close();
            throw new IllegalStateException("subscriptions could not be loaded within " + loadTimeout, e);
        }
        LOG.info("Loaded {} webhooks from {}", view.byWebhookId.size(), Topics.SUBSCRIPTIONS);
        return view;
    }

    public Optional<Subscription> find(String webhookId) {
        return Optional.ofNullable(byWebhookId.get(webhookId));
    }

    /** The webhooks of one tenant, in no particular order. */
    public List<Subscription> ofTenant(String tenant) {
        return byWebhookId.values().stream().filter(s -> s.getTenant().equals(tenant)).toList();
    }

    /** Completes once the view includes every subscription record written before this call. */
    public CompletableFuture<Void> syncToEnd() {
        CompletableFuture<Void> synced = new CompletableFuture<>();
        syncRequests.add(synced);
        return synced;
    }

    private void run() {
        try {
            while (running) {
                pollOnce();
                completeSyncs();
            }
        } catch (WakeupException closing) {
            // close() woke us up
        } catch (RuntimeException e) {
            LOG.error("The subscription view stopped; deliveries to changed webhooks may be skipped", e);
        } finally {
            consumer.close();
            pendingSyncs.forEach(p -> p.done().completeExceptionally(new IllegalStateException("view closed")));
            syncRequests.forEach(r -> r.completeExceptionally(new IllegalStateException("view closed")));
        }
    }

    private void pollOnce() {
        try {
            for (ConsumerRecord<String, Subscription> record : consumer.poll(POLL_TIMEOUT)) {
                apply(record);
            }
        } catch (RecordDeserializationException e) {
            LOG.error("Skipping undecodable subscription at {}@{}: {}", e.topicPartition(), e.offset(),
                    e.getMessage());
            consumer.seek(e.topicPartition(), e.offset() + 1);
        }
    }

    private void apply(ConsumerRecord<String, Subscription> record) {
        String webhookId = SubscriptionKeys.webhookId(record.key());
        if (record.value() == null) {
            byWebhookId.remove(webhookId);
            LOG.info("Webhook {} deleted", webhookId);
            return;
        }
        byWebhookId.put(webhookId, record.value());
    }

    private void completeSyncs() {
        CompletableFuture<Void> request;
        Map<TopicPartition, Long> ends = null;
        while ((request = syncRequests.poll()) != null) {
            ends = ends != null ? ends : consumer.endOffsets(consumer.assignment());
            pendingSyncs.add(new PendingSync(ends, request));
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

    /** Blocks until {@link #syncToEnd()} completes; for request handlers that must see their own writes. */
    public void awaitSynced(Duration timeout) {
        try {
            syncToEnd().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading subscriptions", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the subscriptions topic could not be read within " + timeout, e);
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
