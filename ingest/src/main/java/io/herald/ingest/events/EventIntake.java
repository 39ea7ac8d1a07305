package io.herald.ingest.events;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.CloudEventHeaders;
import io.herald.schemas.tracing.EventSpans;
import io.herald.schemas.tracing.HeraldTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.herald.schemas.IamEvents;
import io.herald.schemas.Topics;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.event.IamEvent;
import io.herald.runtime.kafka.TransactionalProducer;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.runtime.store.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes events that came in over HTTP: a whole batch in one Kafka transaction (all of it becomes visible, or
 * none), each event with a receipt on {@link Topics#EVENT_RECEIPTS} in the same transaction; the batches of
 * concurrent requests share transactions ({@link GroupCommits}), each still all or nothing. The receipts of the
 * last {@link #IDEMPOTENCY_WINDOW} are read back by every ingest instance, so an event id posted again within it
 * is answered with the first copy's coordinates instead of being published twice. Requests that carry the same id
 * at the same time, on one instance or several, are decided by {@link EventClaims}: one publishes it, the others
 * wait for its receipt and answer with it.
 */
public final class EventIntake implements AutoCloseable {

    /** How long an event id is remembered. */
    public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    /** How long a request waits for a concurrent one to publish the ids they share. */
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RECEIPT_POLL = Duration.ofMillis(5);
    /** Kafka aborts a transaction of this producer left open longer than this. */
    private static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(30);
    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final String transactionalId;
    private final TransactionalProducer<String, byte[]> producer;
    private final GroupCommits<String, byte[], Map<String, Receipt>> commits;
    private final Serializer<IamEvent> events;
    private final TopicReader<String> receipts;
    private final EventClaims claims;
    /** Receipts by tenant:eventId, oldest first; guarded by itself (the reader thread adds to it too). */
    private final Map<String, Receipt> seen = new LinkedHashMap<>();
    private final HeraldTracing tracing;
    private final Clock clock;

    /** Where an event was published, and when. */
    public record Receipt(String eventId, String type, String topic, int partition, long offset, Instant at) {
    }

    /** What became of one event of a request. */
    public record Outcome(Receipt receipt, boolean duplicate) {
    }

    /** @param transactionSizes told how many requests each committed transaction held */
    public EventIntake(KafkaClients kafka, RegistryEndpoint registry, Duration loadTimeout, HeraldTracing tracing,
            Clock clock, java.util.function.IntConsumer transactionSizes) {
        this.tracing = tracing;
        this.clock = clock;
        this.events = HeraldSerdes.valueSerializer(registry);
        this.transactionalId = "herald-ingest-events-" + UUID.randomUUID();
        this.producer = TransactionalProducer.start(transactionalId, kafka.transactional("herald-ingest-events",
                transactionalId, Map.of(
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TransactionalProducer.REQUEST_MAX_BLOCK.toMillis(),
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis(),
                        ProducerConfig.COMPRESSION_TYPE_CONFIG, Topics.PUBLIC_COMPRESSION,
                        ProducerConfig.COMPRESSION_GZIP_LEVEL_CONFIG, Topics.PUBLIC_COMPRESSION_LEVEL),
                new StringSerializer(), new ByteArraySerializer()));
        this.commits = new GroupCommits<>("event-commits", producer, transactionSizes);
        this.claims = new EventClaims(kafka, clock, loadTimeout);
        this.receipts = TopicReader.start(kafka, Topics.EVENT_RECEIPTS, new StringDeserializer(),
                "herald-ingest-event-receipts", TopicReader.Start.BEGINNING, this::remember, loadTimeout);
    }

    /**
     * Publishes the events of one tenant that were not published before, atomically, and returns once they are
     * durable, in the order given.
     *
     * @throws IntakeUnavailableException when Kafka or the registry did not take the batch; nothing of it was
     *     published
     * @throws EventTooLargeException when a topic refused an event as too large; nothing of the batch was published
     */
    public List<Outcome> publish(String tenant, List<IamEvent> batch, Context caller) {
        Map<String, IamEvent> unseen = new LinkedHashMap<>();
        synchronized (seen) {
            evictExpired();
            for (IamEvent event : batch) {
                String key = key(tenant, event.getId());
                if (!seen.containsKey(key)) {
                    unseen.putIfAbsent(key, event);
                }
            }
        }
        Map<String, Receipt> published = Map.of();
        if (!unseen.isEmpty()) {
            EventClaims.Decision decision = claims.claim(unseen.keySet());
            Map<String, IamEvent> fresh = new LinkedHashMap<>(unseen);
            fresh.keySet().retainAll(decision.won());
            synchronized (seen) {
                fresh.keySet().removeIf(seen::containsKey); // published by a request whose claim had lapsed
            }
            try {
                published = fresh.isEmpty() ? Map.of() : commit(fresh, caller, decision);
            } catch (RuntimeException | Error e) {
                claims.release(decision.token(), decision.won());
                throw e;
            }
            awaitReceipts(decision.lost());
        }
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, Boolean> reported = new HashMap<>();
        synchronized (seen) {
            published.forEach(seen::putIfAbsent);
            for (IamEvent event : batch) {
                String key = key(tenant, event.getId());
                boolean first = published.containsKey(key) && reported.put(key, true) == null;
                outcomes.add(new Outcome(first ? published.get(key) : seen.get(key), !first));
            }
        }
        return outcomes;
    }

    /** Waits for the receipts of ids a concurrent request won, so this one can answer with where they are. */
    private void awaitReceipts(Set<String> keys) {
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        for (String key : keys) {
            while (true) {
                synchronized (seen) {
                    if (seen.containsKey(key)) {
                        break;
                    }
                }
                String eventId = key.substring(key.indexOf(':') + 1);
                if (claims.releasedSinceWon(key)) {
                    throw new IntakeUnavailableException("event " + eventId + " was being published by a concurrent "
                            + "request that failed; nothing of this batch is lost: post it again", null);
                }
                if (System.nanoTime() > deadline) {
                    throw new IntakeUnavailableException("event " + eventId + " is being published by a concurrent "
                            + "request that has not finished; post the batch again", null);
                }
                try {
                    Thread.sleep(RECEIPT_POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IntakeUnavailableException("interrupted while waiting for event " + eventId, e);
                }
            }
        }
    }

    /** The transactional id this instance publishes with, as broker tools show it. */
    public String transactionalId() {
        return transactionalId;
    }

    /** Whether this intake can begin a transaction now: its producer is initialised (readiness). */
    public boolean ready() {
        return producer.ready();
    }

    private Map<String, Receipt> commit(Map<String, IamEvent> fresh, Context caller, EventClaims.Decision claimed) {
        Map<String, ProducerRecord<String, byte[]>> records = records(fresh); // no registry call in the transaction
        List<Span> spans = new ArrayList<>();
        records.forEach((key, record) -> {
            Span span = EventSpans.publishing(tracing.tracer(), caller, record.topic(), fresh.get(key));
            tracing.inject(caller.with(span), record.headers()); // the caller's trace goes on to the webhooks
            spans.add(span);
        });
        Throwable failure = null;
        try {
            // sent again, as they are, if another request of the transaction is rejected
            return commits.commit(transaction -> {
                if (!claimed.holdsFor(TRANSACTION_TIMEOUT)) { // the claims might lapse before Kafka ends the transaction
                    throw new GroupCommits.Rejected(new IntakeUnavailableException("the request waited too long for "
                            + "its turn to publish", null));
                }
                Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
                records.forEach((key, record) -> sent.put(key, transaction.send(record)));
                return acknowledged -> receipts(fresh, sent, acknowledged);
            });
        } catch (KafkaException e) {
            failure = e;
            throw new IntakeUnavailableException("the events could not be published: " + e, e);
        } catch (RuntimeException | Error e) { // too large for its topic, or a bug: the transaction was aborted
            failure = e;
            throw e;
        } finally {
            Throwable outcome = failure;
            spans.forEach(span -> EventSpans.end(span, outcome));
        }
    }

    /** Once the events are acknowledged: their receipts, sent in the same transaction. */
    private Map<String, Receipt> receipts(Map<String, IamEvent> fresh, Map<String, Future<RecordMetadata>> sent,
            org.apache.kafka.clients.producer.Producer<String, byte[]> transaction) throws Exception {
        Map<String, Receipt> receiptsByKey = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (Map.Entry<String, Future<RecordMetadata>> entry : sent.entrySet()) {
            IamEvent event = fresh.get(entry.getKey());
            RecordMetadata metadata;
            try {
                metadata = acknowledged(entry.getValue(), event);
            } catch (EventTooLargeException tooLarge) {
                throw new GroupCommits.Rejected(tooLarge); // this request's event: the others go on without it
            }
            Receipt receipt = new Receipt(event.getId(), event.getType(), metadata.topic(),
                    metadata.partition(), metadata.offset(), now);
            receiptsByKey.put(entry.getKey(), receipt);
            transaction.send(new ProducerRecord<>(Topics.EVENT_RECEIPTS, null, now.toEpochMilli(),
                    entry.getKey(), encode(receipt).getBytes(StandardCharsets.UTF_8)));
        }
        return receiptsByKey;
    }

    /** The records of the events, values encoded; the registry is asked once per schema, then cached. */
    private Map<String, ProducerRecord<String, byte[]>> records(Map<String, IamEvent> fresh) {
        Map<String, ProducerRecord<String, byte[]>> records = new LinkedHashMap<>();
        fresh.forEach((key, event) -> {
            String topic = EventCatalog.get().find(event.getType()).orElseThrow().topic();
            byte[] value;
            try {
                value = events.serialize(topic, event);
            } catch (RuntimeException e) {
                // Validated events always encode: what fails here is the registry.
                throw new IntakeUnavailableException("the schema registry did not take the event's schema: " + e, e);
            }
            records.put(key, new ProducerRecord<>(topic, null, IamEvents.key(event), value,
                    CloudEventHeaders.of(event)));
        });
        return records;
    }

    private static RecordMetadata acknowledged(Future<RecordMetadata> sent, IamEvent event) throws Exception {
        try {
            return sent.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RecordTooLargeException) {
                throw new EventTooLargeException(event.getId(), e.getCause());
            }
            throw e;
        }
    }

    private void remember(ConsumerRecord<String, String> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        Receipt receipt = decode(record.value(), Instant.ofEpochMilli(record.timestamp()));
        if (receipt != null) {
            synchronized (seen) {
                seen.putIfAbsent(record.key(), receipt);
            }
        }
    }

    /** Call holding the lock of {@link #seen}. */
    private void evictExpired() {
        Instant cutoff = clock.instant().minus(IDEMPOTENCY_WINDOW);
        for (Iterator<Receipt> oldestFirst = seen.values().iterator(); oldestFirst.hasNext(); ) {
            if (!oldestFirst.next().at().isBefore(cutoff)) {
                break;
            }
            oldestFirst.remove();
        }
    }

    private static String key(String tenant, String eventId) {
        return tenant + ':' + eventId;
    }

    /** A receipt as the receipts topic holds it: id, type and coordinates, space-separated. */
    static String encode(Receipt receipt) {
        return receipt.eventId() + ' ' + receipt.type() + ' ' + receipt.topic() + ' ' + receipt.partition() + ' '
                + receipt.offset();
    }

    static Receipt decode(String value, Instant at) {
        String[] parts = value.split(" ");
        if (parts.length != 5) {
            return null;
        }
        try {
            return new Receipt(parts[0], parts[1], parts[2], Integer.parseInt(parts[3]), Long.parseLong(parts[4]), at);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        commits.close();
        claims.close();
        receipts.close();
        producer.close();
    }
}
