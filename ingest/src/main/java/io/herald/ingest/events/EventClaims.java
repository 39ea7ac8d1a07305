package io.herald.ingest.events;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.TransactionalProducer;
import io.herald.runtime.store.TopicReader;
import io.herald.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Decides which of several concurrent requests publishes an event id, on every ingest instance alike: each request
 * appends a claim for the ids it would publish to {@link Topics#EVENT_CLAIMS}, and the first live claim of an id in
 * the partition's log wins. Kafka orders a partition's records, so every instance reading the log reaches the same
 * decision, and the writer learns it as soon as it has read its own claim back (a few milliseconds: no wait on a
 * poll interval). A claim stops counting when its request gives up ({@link #release}) or after {@link #CLAIM_TTL}
 * by the broker's clock, so a crashed request does not keep its ids from ever being published.
 */
final class EventClaims implements AutoCloseable {

    /** How long a claim holds its ids for a request that neither published nor released them (it crashed). */
    static final Duration CLAIM_TTL = Duration.ofMinutes(2);
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(10);
    private static final int SWEEP_EVERY = 4096;
    private static final String CLAIM = "claim ";
    private static final String RELEASE = "release ";

    private record Claim(String token, long at) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventClaims.class);
    /** How soon a release Kafka did not take is sent again. */
    private static final Duration RELEASE_RETRY = Duration.ofSeconds(1);

    private final KafkaProducer<String, String> producer;
    private final java.util.concurrent.ScheduledExecutorService releaseRetries =
            io.herald.runtime.ops.DaemonThreads.scheduler("claim-releases");
    private final TopicReader<String> reader;
    /** The winning claim of each id claimed within the TTL; guarded by itself. */
    private final Map<String, Claim> winners = new HashMap<>();
    /** Ids whose winning claim was released and not claimed since; guarded by {@link #winners}. */
    private final Set<String> released = new HashSet<>();
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong requests = new AtomicLong();
    /** Claims applied, to sweep expired winners now and then; guarded by {@link #winners}. */
    private long applied;

    /**
     * What became of a request's claims.
     *
     * @param claimedAt {@link System#nanoTime()} when the claims were sent: they hold for {@link #CLAIM_TTL} from
     *     about then
     */
    record Decision(String token, Set<String> won, Set<String> lost, long claimedAt) {

        /** Whether the won claims still hold for at least {@code margin}. */
        boolean holdsFor(Duration margin) {
            return System.nanoTime() - claimedAt < CLAIM_TTL.minus(margin).toNanos();
        }
    }

    EventClaims(KafkaClients kafka, Clock clock, Duration loadTimeout) {
        this.producer = kafka.producer("herald-ingest-claims", Map.of(ProducerConfig.LINGER_MS_CONFIG, 0,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TransactionalProducer.REQUEST_MAX_BLOCK.toMillis()),
                new StringSerializer(), new StringSerializer());
        this.reader = TopicReader.startFrom(kafka, Topics.EVENT_CLAIMS, new StringDeserializer(),
                "herald-ingest-event-claims", clock.instant().minus(CLAIM_TTL), this::apply, loadTimeout);
    }

    /**
     * Claims the ids (tenant:eventId) for one request and returns, once the decision is known, which it won.
     *
     * @throws IntakeUnavailableException when Kafka did not take or return the claims in time
     */
    Decision claim(Collection<String> keys) {
        String token = instance + '/' + requests.incrementAndGet();
        long claimedAt = System.nanoTime();
        Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
        try {
            for (String key : keys) {
                sent.put(key, producer.send(new ProducerRecord<>(Topics.EVENT_CLAIMS, key, CLAIM + token)));
            }
            Map<TopicPartition, Long> lastOffsets = new HashMap<>();
            for (Future<RecordMetadata> claim : sent.values()) {
                RecordMetadata metadata = claim.get(CLAIM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                lastOffsets.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset(),
                        Math::max);
            }
            reader.awaitApplied(lastOffsets, CLAIM_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeUnavailableException("interrupted while claiming the event ids", e);
        } catch (ExecutionException | TimeoutException | KafkaException e) { // a TopicUnavailableException too
            release(token, keys);
            throw new IntakeUnavailableException("the event ids could not be claimed: " + e, e);
        }
        Set<String> won = new HashSet<>();
        Set<String> lost = new HashSet<>();
        synchronized (winners) {
            for (String key : keys) {
                Claim winner = winners.get(key);
                (winner != null && winner.token().equals(token) ? won : lost).add(key);
            }
        }
        return new Decision(token, won, lost, claimedAt);
    }

    /**
     * Gives up the request's claims (its publication failed), so the ids can be published by the next request. A
     * release that Kafka does not take (the broker is down: the very reason the request failed) is sent again until it
     * is in the log or the claim has lapsed: else the client's retries would find the ids held for the whole TTL.
     */
    void release(String token, Collection<String> keys) {
        long lapsesAt = System.nanoTime() + CLAIM_TTL.toNanos();
        for (String key : keys) {
            sendRelease(key, token, lapsesAt);
        }
    }

    private void sendRelease(String key, String token, long lapsesAt) {
        try {
            producer.send(new ProducerRecord<>(Topics.EVENT_CLAIMS, key, RELEASE + token), (metadata, error) -> {
                if (error != null) {
                    releaseLater(key, token, lapsesAt, error);
                }
            });
        } catch (KafkaException e) {
            releaseLater(key, token, lapsesAt, e);
        }
    }

    private void releaseLater(String key, String token, long lapsesAt, Exception why) {
        if (System.nanoTime() + RELEASE_RETRY.toNanos() < lapsesAt && !releaseRetries.isShutdown()) {
            LOG.debug("Releasing the claim of {} failed ({}); trying again", key, why.toString());
            releaseRetries.schedule(() -> sendRelease(key, token, lapsesAt), RELEASE_RETRY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Whether the id's winning claim was given up and nobody claimed it since. */
    boolean releasedSinceWon(String key) {
        synchronized (winners) {
            return released.contains(key);
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String value = record.value();
        synchronized (winners) {
            Claim winner = winners.get(record.key());
            if (value.startsWith(CLAIM)) {
                boolean open = winner == null || released.contains(record.key())
                        || record.timestamp() - winner.at() > CLAIM_TTL.toMillis();
                if (open) {
                    winners.put(record.key(), new Claim(value.substring(CLAIM.length()), record.timestamp()));
                    released.remove(record.key());
                }
            } else if (value.startsWith(RELEASE) && winner != null
                    && winner.token().equals(value.substring(RELEASE.length()))) {
                released.add(record.key());
            }
            forgetExpired(record.timestamp());
        }
    }

    /** Drops winners past the TTL (they no longer count); call holding the lock of {@link #winners}. */
    private void forgetExpired(long now) {
        if (++applied % SWEEP_EVERY != 0) {
            return;
        }
        winners.entrySet().removeIf(entry -> {
            boolean old = now - entry.getValue().at() > CLAIM_TTL.toMillis();
            if (old) {
                released.remove(entry.getKey());
            }
            return old;
        });
    }

    @Override
    public void close() {
        releaseRetries.shutdownNow();
        reader.close();
        producer.close(Duration.ofSeconds(5));
    }
}
