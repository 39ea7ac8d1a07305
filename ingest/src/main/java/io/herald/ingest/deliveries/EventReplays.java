package io.herald.ingest.deliveries;

import io.herald.ingest.auth.Caller;
import io.herald.ingest.config.IngestConfig;
import io.herald.ingest.deliveries.DeliveryResponses.ReplayView;
import io.herald.ingest.http.ApiException;
import io.herald.ingest.http.FieldProblem;
import io.herald.ingest.webhooks.StoreUnavailableException;
import io.herald.ingest.webhooks.WebhookService;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.TransactionalProducer;
import io.herald.runtime.ops.DaemonThreads;
import io.herald.runtime.store.TopicReader;
import io.herald.schemas.Deliveries;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.Topics;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventFilter;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.registry.SchemaRegistryException;
import io.herald.schemas.replay.Replay;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.Webhook;
import io.micronaut.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a webhook's events from the event topics: every event of the tenant that the webhook's filters match and
 * that Herald received in a time range becomes a delivery again, to backfill a new endpoint or one that was down.
 * A replayed delivery has the id the router gave it (the {@code webhook-id} receivers deduplicate on).
 *
 * <p>A replay's progress lives on {@link Topics#REPLAYS}, which every instance reads: its status is the same on
 * every instance and survives restarts. Its runner queues deliveries in Kafka transactions (transactional id
 * {@code herald-replay-<id>}) that also record how far it got, so the recorded progress is exactly what was queued.
 * When a runner stops without finishing (its instance was stopped or died), its replay stops being updated; after
 * {@link #STALE_AFTER} any instance with a free slot takes it over: its producer, with the same transactional id,
 * fences the old runner (should it still be alive, nothing more of it commits), reads the last recorded progress and
 * goes on from there.
 */
public final class EventReplays implements AutoCloseable {

    /** Replays under way at once in this instance; more are refused with 429. */
    static final int MAX_RUNNING = 2;
    /** A running replay whose progress is older than this has lost its runner and is taken over. */
    static final Duration STALE_AFTER = Duration.ofSeconds(15);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private static final int MAX_CHUNK = 1_000;
    private static final Duration CHECK_EVERY = Duration.ofSeconds(3);
    private static final Logger LOG = LoggerFactory.getLogger(EventReplays.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaClients kafka;
    private final IngestConfig config;
    private final Deserializer<IamEvent> events;
    private final WebhookService webhooks;
    private final WebhookStore store;
    private final Clock clock;
    private final TopicReader<Replay> reader;
    private final Map<String, Replay> replays = new ConcurrentHashMap<>();
    /** The replays this instance runs now. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Semaphore slots = new Semaphore(MAX_RUNNING);
    private final ExecutorService runner = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "event-replay");
        thread.setDaemon(true);
        return thread;
    });
    private final ScheduledExecutorService resumer = DaemonThreads.scheduler("event-replay-resumer");
    private volatile boolean closing;

    public EventReplays(IngestConfig config, WebhookService webhooks, WebhookStore store, Clock clock,
            Duration loadTimeout) {
        this.config = config;
        this.kafka = config.kafka();
        this.events = HeraldSerdes.valueDeserializer(config.registry());
        this.webhooks = webhooks;
        this.store = store;
        this.clock = clock;
        this.reader = TopicReader.start(kafka, Topics.REPLAYS, HeraldSerdes.<Replay>valueDeserializer(
                config.registry()), "herald-ingest-replays", TopicReader.Start.BEGINNING, record -> {
                    if (record.key() != null) {
                        if (record.value() == null) {
                            replays.remove(record.key());
                        } else {
                            replays.put(record.key(), record.value());
                        }
                    }
                }, loadTimeout);
        resumer.scheduleWithFixedDelay(this::resumeStale, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Starts replaying the events received from {@code since} up to {@code until} (default: now).
     *
     * @throws ApiException 400 for a bad range, 409 for a disabled webhook, 429 when too many replays run here,
     *     503 when Kafka did not take it
     */
    public ReplayView start(Caller caller, String tenant, String webhookId, Instant since, Instant until) {
        Instant now = clock.instant();
        Instant end = until == null ? now : until;
        List<FieldProblem> problems = new ArrayList<>();
        // Kafka's timestamps, and so the replay's range, are in milliseconds.
        since = since == null ? null : since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        end = end.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
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
                    MAX_RUNNING + " replays are under way on this instance; try again when one has finished",
                    List.of());
        }
        String id = HeraldIds.newReplayId();
        ReplayRun run;
        Replay replay;
        try {
            run = new ReplayRun(id);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(id)) {
                Map<String, Long> positions = new HashMap<>();
                Map<String, Long> ends = new HashMap<>();
                range(consumer, topicsFor(webhook), since, end, positions, ends);
                replay = Replay.newBuilder().setId(id).setTenant(tenant).setWebhookId(webhookId).setSince(since)
                        .setUntil(end).setState("RUNNING").setEventsRead(0).setDeliveriesQueued(0)
                        .setStartedAt(now).setStartedBy(caller.actor()).setUpdatedAt(now).setPositions(positions)
                        .setEnds(ends).setResumes(0).build();
            }
            run.record(replay, List.of());
            reader.awaitSynced(SYNC_TIMEOUT); // readable here before the answer goes out
        } catch (KafkaException e) {
            slots.release();
            throw new StoreUnavailableException("the replay could not be started: " + e, e);
        } catch (RuntimeException | Error e) {
            slots.release();
            throw e;
        }
        try {
            store.audit(webhook, caller.actor(), "webhook.replay_started");
        } catch (StoreUnavailableException e) {
            LOG.warn("Audit entry of replay {} not stored", id, e);
        }
        running.add(id);
        runner.execute(() -> runAndRelease(run, replay, webhook));
        return view(replay);
    }

    /** A replay of this webhook, as recorded (by whichever instance runs or ran it), or 404. */
    public ReplayView status(String tenant, String webhookId, String replayId) {
        webhooks.stored(tenant, webhookId);
        Replay replay = replays.get(replayId);
        if (replay == null || !replay.getTenant().equals(tenant) || !replay.getWebhookId().equals(webhookId)) {
            throw ApiException.notFound("replay " + replayId);
        }
        return view(replay);
    }

    /** The webhook's replays, newest first. */
    public List<ReplayView> list(String tenant, String webhookId) {
        webhooks.stored(tenant, webhookId);
        return replays.values().stream()
                .filter(r -> r.getTenant().equals(tenant) && r.getWebhookId().equals(webhookId))
                .sorted(Comparator.comparing(Replay::getStartedAt).reversed().thenComparing(Replay::getId))
                .map(this::view)
                .toList();
    }

    private ReplayView view(Replay replay) {
        // A running replay nobody has recorded progress of lately waits to be taken over: say so, and how far it got.
        boolean interrupted = replay.getState().equals("RUNNING")
                && replay.getUpdatedAt().isBefore(clock.instant().minus(STALE_AFTER));
        return new ReplayView(replay.getId(), replay.getWebhookId(), replay.getSince(), replay.getUntil(),
                interrupted ? "INTERRUPTED" : replay.getState(), replay.getEventsRead(), replay.getDeliveriesQueued(),
                replay.getStartedAt(), replay.getUpdatedAt(), replay.getFinishedAt(), replay.getError(),
                replay.getResumes());
    }

    /** Takes over running replays whose runner stopped recording progress, while this instance has free slots. */
    private void resumeStale() {
        if (closing) {
            return;
        }
        Instant staleBefore = clock.instant().minus(STALE_AFTER);
        for (Replay replay : List.copyOf(replays.values())) {
            if (!replay.getState().equals("RUNNING") || !replay.getUpdatedAt().isBefore(staleBefore)
                    || running.contains(replay.getId())) {
                continue;
            }
            if (!slots.tryAcquire()) {
                return;
            }
            running.add(replay.getId());
            runner.execute(() -> {
                ReplayRun run = null;
                try {
                    run = new ReplayRun(replay.getId()); // fences the runner that stopped, should it be alive
                    reader.awaitSynced(SYNC_TIMEOUT); // what it committed last is now the latest record
                    Replay latest = replays.get(replay.getId());
                    if (latest == null || !latest.getState().equals("RUNNING")) {
                        run.close();
                        running.remove(replay.getId());
                        slots.release();
                        return;
                    }
                    Replay resumed = Replay.newBuilder(latest).setResumes(latest.getResumes() + 1)
                            .setUpdatedAt(clock.instant()).build();
                    LOG.info("Replay {} of webhook {} lost its runner after {} deliveries; going on from there",
                            resumed.getId(), resumed.getWebhookId(), resumed.getDeliveriesQueued());
                    Webhook webhook = webhookOf(resumed);
                    if (webhook == null) {
                        run.record(finished(resumed, "FAILED", "the webhook was deleted or disabled meanwhile"),
                                List.of());
                        run.close();
                        running.remove(replay.getId());
                        slots.release();
                        return;
                    }
                    runAndRelease(run, resumed, webhook);
                } catch (RuntimeException e) {
                    LOG.warn("Taking over replay {} failed ({}); trying again later", replay.getId(), e.toString());
                    if (run != null) {
                        run.close();
                    }
                    running.remove(replay.getId());
                    slots.release();
                }
            });
        }
    }

    private Webhook webhookOf(Replay replay) {
        try {
            Webhook webhook = webhooks.stored(replay.getTenant(), replay.getWebhookId());
            return webhook.getActive() ? webhook : null;
        } catch (ApiException gone) {
            return null;
        }
    }

    private void runAndRelease(ReplayRun run, Replay replay, Webhook webhook) {
        try {
            run(run, replay, webhook);
        } finally {
            run.close();
            running.remove(replay.getId());
            slots.release();
        }
    }

    private void run(ReplayRun run, Replay start, Webhook webhook) {
        Replay progress = start;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(start.getId())) {
            Map<TopicPartition, Long> ends = new HashMap<>();
            Map<TopicPartition, Long> seeks = new HashMap<>();
            start.getEnds().forEach((partition, end) -> {
                TopicPartition tp = partitionOf(partition);
                long position = start.getPositions().getOrDefault(partition, end);
                if (position < end) {
                    ends.put(tp, end);
                    seeks.put(tp, position);
                }
            });
            consumer.assign(seeks.keySet());
            seeks.forEach(consumer::seek);
            byte[] tenantKey = start.getTenant().getBytes(StandardCharsets.UTF_8);
            long eventsRead = start.getEventsRead();
            long queued = start.getDeliveriesQueued();
            List<Delivery> chunk = new ArrayList<>();
            long lastRecorded = System.nanoTime();
            while (!ends.isEmpty()) {
                if (closing) {
                    return; // left RUNNING: another instance, or this one restarted, goes on from the last record
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long end = ends.get(partition);
                    if (end == null || record.offset() >= end) {
                        continue;
                    }
                    eventsRead++;
                    if (ofTenant(record.key(), tenantKey) && record.value() != null) {
                        Delivery delivery = deliveryOf(record, webhook);
                        if (delivery != null) {
                            chunk.add(delivery);
                        }
                    }
                }
                ends.entrySet().removeIf(e -> {
                    if (consumer.position(e.getKey()) >= e.getValue()) {
                        consumer.pause(List.of(e.getKey()));
                        return true;
                    }
                    return false;
                });
                boolean due = System.nanoTime() - lastRecorded > PROGRESS_EVERY.toNanos();
                if (due || chunk.size() >= MAX_CHUNK || ends.isEmpty()) {
                    queued += chunk.size();
                    Map<String, Long> positions = new HashMap<>(progress.getPositions());
                    for (TopicPartition partition : consumer.assignment()) {
                        positions.put(partition.topic() + ':' + partition.partition(), consumer.position(partition));
                    }
                    progress = Replay.newBuilder(progress).setEventsRead(eventsRead).setDeliveriesQueued(queued)
                            .setPositions(positions).setUpdatedAt(clock.instant()).build();
                    if (ends.isEmpty()) {
                        progress = finished(progress, "DONE", null);
                    }
                    run.record(progress, chunk);
                    chunk = new ArrayList<>();
                    lastRecorded = System.nanoTime();
                }
            }
            if (progress.getState().equals("RUNNING")) { // nothing (more) to read: the range was empty or all read
                progress = finished(progress, "DONE", null);
                run.record(progress, List.of());
            }
            LOG.info("Replay {} of webhook {} queued {} deliveries from {} events", progress.getId(),
                    progress.getWebhookId(), progress.getDeliveriesQueued(), progress.getEventsRead());
        } catch (RuntimeException e) {
            if (TransactionalProducer.isFenced(e) || closing) {
                LOG.info("Replay {} is run elsewhere now (or this instance is stopping)", start.getId());
                return;
            }
            // What the tenant reads: the consequence, not the exception's text (that is logged).
            String error = (SchemaRegistryException.retryLater(e)
                    ? "the schema registry failed while the events were decoded"
                    : e instanceof KafkaException ? "Kafka failed while the events were read or queued"
                    : "an unexpected error stopped it (logged)") + " after " + progress.getDeliveriesQueued()
                    + " deliveries were queued; start the replay again (receivers deduplicate repeats on webhook-id)";
            LOG.error("Replay {} of webhook {} failed", start.getId(), start.getWebhookId(), e);
            try {
                run.record(finished(progress, "FAILED", error), List.of());
            } catch (RuntimeException recordFailed) {
                LOG.warn("Replay {}: its failure could not be recorded ({}); it will be taken over",
                        start.getId(), recordFailed.toString());
            }
        }
    }

    private Replay finished(Replay replay, String state, String error) {
        Instant now = clock.instant();
        return Replay.newBuilder(replay).setState(state).setError(error).setFinishedAt(now).setUpdatedAt(now).build();
    }

    /** The delivery of an event record to the webhook, or null when the webhook's filters don't take it. */
    private Delivery deliveryOf(ConsumerRecord<byte[], byte[]> record, Webhook webhook) {
        IamEvent event;
        try {
            event = events.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException undecodable) {
            if (SchemaRegistryException.retryLater(undecodable)) {
                throw undecodable; // the registry failed, not the event: the replay stops rather than skip it
            }
            return null; // the router passed it over too; nothing to deliver
        }
        if (event == null || !event.getTenant().equals(webhook.getTenant())
                || !EventFilter.matches(webhook.getEventTypes(), event.getType())) {
            return null;
        }
        return Deliveries.of(event, webhook, WebhookPayload.render(event), clock.instant());
    }

    /**
     * The producer of one replay's transactions: deliveries and the progress they make, together. Creating it fences
     * any earlier runner of the same replay.
     */
    private final class ReplayRun implements AutoCloseable {

        private final TransactionalProducer<String, SpecificRecord> producer;

        ReplayRun(String replayId) {
            String transactionalId = "herald-replay-" + replayId;
            this.producer = TransactionalProducer.start(transactionalId, kafka.transactional("herald-ingest-replay",
                    transactionalId, Map.of(ProducerConfig.LINGER_MS_CONFIG, 10,
                            ProducerConfig.MAX_BLOCK_MS_CONFIG,
                            (int) TransactionalProducer.REQUEST_MAX_BLOCK.toMillis()),
                    new StringSerializer(), HeraldSerdes.<SpecificRecord>valueSerializer(config.registry())));
        }

        void record(Replay progress, List<Delivery> deliveries) {
            producer.inTransaction(transaction -> {
                for (Delivery delivery : deliveries) {
                    transaction.send(new ProducerRecord<>(Topics.DELIVERIES, delivery.getWebhookId(), delivery));
                }
                transaction.send(new ProducerRecord<>(Topics.REPLAYS, progress.getId(), progress));
                return null;
            });
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(String replayId) {
        return kafka.consumer("herald-ingest-replay-" + replayId + "-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Where each partition that holds events of the range starts and stops (offsets, by topic:partition). */
    private static void range(KafkaConsumer<byte[], byte[]> consumer, List<String> topics, Instant since,
            Instant until, Map<String, Long> positions, Map<String, Long> ends) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, METADATA_TIMEOUT)
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        Map<TopicPartition, Long> sinceQuery = new HashMap<>();
        Map<TopicPartition, Long> untilQuery = new HashMap<>();
        partitions.forEach(p -> {
            sinceQuery.put(p, since.toEpochMilli());
            untilQuery.put(p, until.toEpochMilli());
        });
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(sinceQuery, METADATA_TIMEOUT);
        Map<TopicPartition, OffsetAndTimestamp> stops = consumer.offsetsForTimes(untilQuery, METADATA_TIMEOUT);
        Map<TopicPartition, Long> latest = consumer.endOffsets(partitions, METADATA_TIMEOUT);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start == null) {
                continue; // nothing received since then
            }
            OffsetAndTimestamp stop = stops.get(partition);
            long end = stop == null ? latest.get(partition) : Math.min(stop.offset(), latest.get(partition));
            if (start.offset() < end) {
                positions.put(partition.topic() + ':' + partition.partition(), start.offset());
                ends.put(partition.topic() + ':' + partition.partition(), end);
            }
        }
    }

    private static TopicPartition partitionOf(String name) {
        int colon = name.lastIndexOf(':');
        return new TopicPartition(name.substring(0, colon), Integer.parseInt(name.substring(colon + 1)));
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
        closing = true;
        resumer.shutdownNow();
        runner.shutdown();
        try {
            runner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.shutdownNow();
        reader.close();
    }
}
