package io.herald.ingest.deliveries;

import io.herald.ingest.auth.Caller;
import io.herald.ingest.http.ApiException;
import io.herald.ingest.http.FieldProblem;
import io.herald.ingest.webhooks.WebhookService;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.ingest.config.IngestConfig;
import io.herald.ingest.deliveries.DeliveryResponses.ReplayView;
import io.herald.ingest.webhooks.StoreUnavailableException;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.schemas.Deliveries;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.Topics;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventFilter;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.Webhook;
import io.micronaut.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a webhook's events from the event topics: every event of the tenant that the webhook's filters match and
 * that Herald received in a time range becomes a delivery again, to backfill a new endpoint or one that was down.
 * A replayed delivery has the id the router gave it (the {@code webhook-id} receivers deduplicate on). Replays run
 * in the background, a few at a time; their progress is kept by the instance that runs them.
 */
public final class EventReplays implements AutoCloseable {

    /** Replays under way at once in this instance; more are refused with 429. */
    static final int MAX_RUNNING = 2;
    private static final Logger LOG = LoggerFactory.getLogger(EventReplays.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(20);

    private final KafkaClients kafka;
    private final Deserializer<IamEvent> events;
    private final KafkaProducer<String, Delivery> producer;
    private final WebhookService webhooks;
    private final WebhookStore store;
    private final Clock clock;
    private final Map<String, Replay> replays = new ConcurrentHashMap<>();
    private final Semaphore slots = new Semaphore(MAX_RUNNING);
    private final ExecutorService runner = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "event-replay");
        thread.setDaemon(true);
        return thread;
    });

    public EventReplays(IngestConfig config, WebhookService webhooks, WebhookStore store, Clock clock) {
        this.kafka = config.kafka();
        this.events = HeraldSerdes.valueDeserializer(config.registry());
        this.webhooks = webhooks;
        this.store = store;
        this.clock = clock;
        this.producer = kafka.producer("herald-ingest-replays", Map.of(ProducerConfig.LINGER_MS_CONFIG, 10),
                new StringSerializer(), HeraldSerdes.<Delivery>valueSerializer(config.registry()));
    }

    /** One replay and its progress; its counters are written by the replay's thread only. */
    private static final class Replay {
        final String id;
        final String tenant;
        final String webhookId;
        final Instant since;
        final Instant until;
        final Instant startedAt;
        volatile String state = "RUNNING";
        volatile long eventsRead;
        volatile long deliveriesQueued;
        volatile Instant finishedAt;
        volatile String error;

        Replay(String id, String tenant, String webhookId, Instant since, Instant until, Instant startedAt) {
            this.id = id;
            this.tenant = tenant;
            this.webhookId = webhookId;
            this.since = since;
            this.until = until;
            this.startedAt = startedAt;
        }

        ReplayView view() {
            return new ReplayView(id, webhookId, since, until, state, eventsRead, deliveriesQueued, startedAt,
                    finishedAt, error);
        }
    }

    /**
     * Starts replaying the events received from {@code since} up to {@code until} (default: now).
     *
     * @throws ApiException 400 for a bad range, 409 for a disabled webhook, 429 when too many replays run
     */
    public ReplayView start(Caller caller, String tenant, String webhookId, Instant since, Instant until) {
        Instant now = clock.instant();
        Instant end = until == null ? now : until;
        List<FieldProblem> problems = new ArrayList<>();
        if (since == null) {
            problems.add(new FieldProblem("since", "is required: an ISO-8601 time"));
        } else if (!since.isBefore(end)) {
            problems.add(new FieldProblem("since", "must be before until (" + end + ")"));
        }
        if (end.isAfter(now)) {
            problems.add(new FieldProblem("until", "must not be in the future"));
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(problems);
        }
        Webhook webhook = webhooks.stored(tenant, webhookId);
        if (!webhook.getActive()) {
            throw new ApiException(HttpStatus.CONFLICT, "webhook_disabled",
                    "webhook " + webhookId + " is disabled; enable it before replaying", List.of());
        }
        if (!slots.tryAcquire()) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too_many_replays",
                    MAX_RUNNING + " replays are under way; try again when one has finished", List.of());
        }
        Replay replay = new Replay("rpl_" + HeraldIds.newEventId().substring(HeraldIds.EVENT_PREFIX.length()),
                tenant, webhookId, since, end, now);
        replays.put(replay.id, replay);
        try {
            store.audit(webhook, caller.actor(), "webhook.replay_started");
        } catch (StoreUnavailableException e) {
            LOG.warn("Audit entry of replay {} not stored", replay.id, e);
        }
        runner.execute(() -> {
            try {
                run(replay, webhook);
            } finally {
                slots.release();
            }
        });
        return replay.view();
    }

    /** A replay of this webhook started by this instance, or 404. */
    public ReplayView status(String tenant, String webhookId, String replayId) {
        webhooks.stored(tenant, webhookId);
        Replay replay = replays.get(replayId);
        if (replay == null || !replay.tenant.equals(tenant) || !replay.webhookId.equals(webhookId)) {
            throw ApiException.notFound("replay " + replayId + " (replays are tracked by the instance running them)");
        }
        return replay.view();
    }

    private void run(Replay replay, Webhook webhook) {
        try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer("herald-ingest-replay-" + replay.id, Map.of(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> ends = range(consumer, topicsFor(webhook), replay);
            byte[] tenantKey = replay.tenant.getBytes(StandardCharsets.UTF_8);
            while (!ends.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long end = ends.get(partition);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    replay.eventsRead++;
                    if (ofTenant(record.key(), tenantKey) && record.value() != null) {
                        replayOne(record, webhook, replay);
                    }
                }
                ends.entrySet().removeIf(e -> {
                    if (consumer.position(e.getKey()) >= e.getValue()) {
                        consumer.pause(List.of(e.getKey()));
                        return true;
                    }
                    return false;
                });
            }
            producer.flush();
            replay.state = "DONE";
            LOG.info("Replay {} of webhook {} queued {} deliveries from {} events", replay.id, replay.webhookId,
                    replay.deliveriesQueued, replay.eventsRead);
        } catch (RuntimeException e) {
            // What the tenant reads: the consequence, not the exception's text (that is logged).
            replay.error = (io.herald.schemas.registry.SchemaRegistryException.retryLater(e)
                    ? "the schema registry failed while the events were decoded"
                    : e instanceof org.apache.kafka.common.KafkaException ? "Kafka failed while the events "
                    + "were read or queued" : "an unexpected error stopped it (logged)") + " after "
                    + replay.deliveriesQueued + " deliveries were queued; start the replay again (receivers "
                    + "deduplicate repeats on webhook-id)";
            replay.state = "FAILED";
            LOG.error("Replay {} of webhook {} failed", replay.id, replay.webhookId, e);
        } finally {
            replay.finishedAt = clock.instant();
        }
    }

    /** Assigns the partitions that hold events of the range and seeks to it; returns where each one stops. */
    private static Map<TopicPartition, Long> range(KafkaConsumer<byte[], byte[]> consumer, List<String> topics,
            Replay replay) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, METADATA_TIMEOUT)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        Map<TopicPartition, Long> sinceQuery = new HashMap<>();
        Map<TopicPartition, Long> untilQuery = new HashMap<>();
        partitions.forEach(p -> {
            sinceQuery.put(p, replay.since.toEpochMilli());
            untilQuery.put(p, replay.until.toEpochMilli());
        });
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(sinceQuery, METADATA_TIMEOUT);
        Map<TopicPartition, OffsetAndTimestamp> stops = consumer.offsetsForTimes(untilQuery, METADATA_TIMEOUT);
        Map<TopicPartition, Long> latest = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        Map<TopicPartition, Long> ends = new HashMap<>();
        Map<TopicPartition, Long> seeks = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start == null) {
                continue; // nothing received since then
            }
            OffsetAndTimestamp stop = stops.get(partition);
            long end = stop == null ? latest.get(partition) : Math.min(stop.offset(), latest.get(partition));
            if (start.offset() < end) {
                seeks.put(partition, start.offset());
                ends.put(partition, end);
            }
        }
        consumer.assign(seeks.keySet());
        seeks.forEach(consumer::seek);
        return ends;
    }

    private void replayOne(ConsumerRecord<byte[], byte[]> record, Webhook webhook, Replay replay) {
        IamEvent event;
        try {
            event = events.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException undecodable) {
            if (io.herald.schemas.registry.SchemaRegistryException.retryLater(undecodable)) {
                throw undecodable; // the registry failed, not the event: the replay stops rather than skip it
            }
            return; // the router passed it over too; nothing to deliver
        }
        if (event == null || !event.getTenant().equals(webhook.getTenant())
                || !EventFilter.matches(webhook.getEventTypes(), event.getType())) {
            return;
        }
        Delivery delivery = Deliveries.of(event, webhook, WebhookPayload.render(event), clock.instant());
        producer.send(new ProducerRecord<>(Topics.DELIVERIES, webhook.getId(), delivery), (metadata, error) -> {
            if (error != null) {
                LOG.error("Replay {} could not queue delivery {}", replay.id, delivery.getId(), error);
            }
        });
        replay.deliveriesQueued++;
    }

    /** Event keys are {@code tenant:subject}, or the tenant alone. */
    private static boolean ofTenant(byte[] key, byte[] tenant) {
        if (key == null || key.length < tenant.length) {
            return false;
        }
        for (int i = 0; i < tenant.length; i++) {
            if (key[i] != tenant[i]) {
                return false;
            }
        }
        return key.length == tenant.length || key[tenant.length] == ':';
    }

    /** The event topics that can hold events the webhook's filters match. */
    private static List<String> topicsFor(Webhook webhook) {
        return EventCatalog.get().types().stream()
                .filter(type -> EventFilter.matches(webhook.getEventTypes(), type.name()))
                .map(EventType::topic)
                .distinct()
                .toList();
    }

    @Override
    public void close() {
        runner.shutdownNow();
        producer.close();
    }
}
