package io.herald.runtime.kafka;

import io.herald.runtime.ops.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transactional Kafka producer that a failed transaction cannot break. Producers that serve requests should set
 * a short {@code max.block.ms} ({@link #REQUEST_MAX_BLOCK}): a send, commit or abort waits at most that long for
 * an absent broker. Whatever fails inside
 * {@link #inTransaction} (Kafka, a serializer, a bug in the caller's code) aborts the transaction before the failure
 * reaches the caller, so the next transaction starts clean. A producer that cannot abort (fenced, or in a fatal
 * state) is closed and replaced by a new one with the same transactional id, whose initialisation aborts whatever
 * the old one left open; until the replacement is initialised, {@link #ready()} is false and a background thread
 * keeps trying.
 */
public final class TransactionalProducer<K, V> implements AutoCloseable {

    /** The records of one transaction, sent through the producer it is given; returns what the caller needs. */
    @FunctionalInterface
    public interface Work<K, V, T> {
        T run(Producer<K, V> producer) throws Exception;
    }

    /** How long a producer that serves an HTTP request may block on an absent broker, per call. */
    public static final Duration REQUEST_MAX_BLOCK = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalProducer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REPLACEMENT_BACKOFF = Duration.ofSeconds(2);

    private final String transactionalId;
    private final Supplier<Producer<K, V>> factory;
    /** Whether writers of several processes share the transactional id and take turns (see {@link #startShared}). */
    private final boolean shared;
    private final ScheduledExecutorService replacer;
    /** Null while a discarded producer waits for its replacement; guarded by this. */
    private Producer<K, V> producer;
    private volatile boolean ready;
    private volatile boolean closed;

    private TransactionalProducer(String transactionalId, Supplier<Producer<K, V>> factory, boolean shared) {
        this.transactionalId = transactionalId;
        this.factory = factory;
        this.shared = shared;
        this.replacer = DaemonThreads.scheduler("producer-replacer-" + transactionalId);
    }

    /**
     * Creates the first producer and initialises its transactions now, so a service that cannot reach Kafka fails
     * at startup as before.
     *
     * @param factory makes a producer configured with {@code transactionalId}; called again for each replacement
     */
    public static <K, V> TransactionalProducer<K, V> start(String transactionalId, Supplier<Producer<K, V>> factory) {
        return start(transactionalId, factory, false);
    }

    /**
     * A producer whose transactional id other processes use too, so that Kafka lets one of them write at a time:
     * being fenced is then only another process taking its turn. The fenced producer is closed and the next
     * transaction initialises a new one (fencing the other in turn); readiness does not change meanwhile.
     */
    public static <K, V> TransactionalProducer<K, V> startShared(String transactionalId,
            Supplier<Producer<K, V>> factory) {
        return start(transactionalId, factory, true);
    }

    private static <K, V> TransactionalProducer<K, V> start(String transactionalId, Supplier<Producer<K, V>> factory,
            boolean shared) {
        TransactionalProducer<K, V> transactional = new TransactionalProducer<>(transactionalId, factory, shared);
        synchronized (transactional) {
            transactional.producer = transactional.initialised();
            transactional.ready = true;
        }
        return transactional;
    }

    /**
     * Runs {@code work} in one transaction and commits it; on any failure aborts it and rethrows. Checked failures
     * come back as Kafka's own unchecked ones: an {@link ExecutionException} as its cause, a
     * {@link java.util.concurrent.TimeoutException} as a {@link TimeoutException}, an interruption as an
     * {@link InterruptException} (with the interrupt flag set).
     *
     * @throws KafkaException when Kafka failed or no producer could be initialised; nothing of the transaction is
     *     visible
     */
    public synchronized <T> T inTransaction(Work<K, V, T> work) {
        if (closed) {
            throw new IllegalStateException("producer " + transactionalId + " is closed");
        }
        if (producer == null) {
            producer = initialised(); // the replacement was not ready yet: try now, the caller waits anyway
            ready = true;
        }
        Producer<K, V> current = producer;
        try {
            current.beginTransaction();
            T result = work.run(current);
            current.commitTransaction();
            return result;
        } catch (Exception | Error failure) {
            abortOrReplace(current, failure);
            throw unchecked(failure);
        }
    }

    /** Whether a producer is initialised and can begin a transaction now. */
    public boolean ready() {
        return ready && !closed;
    }

    private void abortOrReplace(Producer<K, V> current, Throwable failure) {
        if (shared && isFenced(failure)) {
            LOG.debug("Producer {} was fenced by another process taking its turn", transactionalId);
            producer = null; // the next transaction initialises a new one
            closeQuietly(current);
            return;
        }
        try {
            current.abortTransaction();
        } catch (RuntimeException abortFailure) {
            LOG.warn("Producer {} could not abort a failed transaction ({}; it failed with {}); replacing it",
                    transactionalId, abortFailure.toString(), failure.toString());
            discard(current);
        }
    }

    /** Call holding the lock. */
    private void discard(Producer<K, V> broken) {
        producer = null;
        ready = false;
        closeQuietly(broken);
        scheduleReplacement(Duration.ZERO);
    }

    private void scheduleReplacement(Duration delay) {
        try {
            replacer.schedule(this::replace, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile: nothing to replace
        }
    }

    private synchronized void replace() {
        if (closed || producer != null) {
            return;
        }
        try {
            producer = initialised();
            ready = true;
            LOG.info("Producer {} replaced", transactionalId);
        } catch (RuntimeException e) {
            LOG.warn("Replacing producer {} failed ({}); trying again in {}", transactionalId, e.toString(),
                    REPLACEMENT_BACKOFF);
            scheduleReplacement(REPLACEMENT_BACKOFF);
        }
    }

    private Producer<K, V> initialised() {
        Producer<K, V> created = factory.get();
        try {
            created.initTransactions();
            return created;
        } catch (RuntimeException e) {
            closeQuietly(created);
            throw e;
        }
    }

    /** Whether a failure means another producer with the same transactional id took over (this one is fenced). */
    public static boolean isFenced(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ProducerFencedException
                    || cause instanceof org.apache.kafka.common.errors.InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof ExecutionException && failure.getCause() instanceof RuntimeException cause) {
            return cause;
        }
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new InterruptException("interrupted while waiting for Kafka", (InterruptedException) failure);
        }
        if (failure instanceof java.util.concurrent.TimeoutException) {
            return new TimeoutException("Kafka did not acknowledge in time", failure);
        }
        return new KafkaException(failure);
    }

    private static void closeQuietly(Producer<?, ?> producer) {
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            // it is being thrown away
        }
    }

    /** Closes the producer, waiting at most a few seconds: an unfinished transaction must not hang a shutdown. */
    @Override
    public void close() {
        closed = true;
        replacer.shutdownNow();
        synchronized (this) {
            ready = false;
            if (producer != null) {
                closeQuietly(producer);
                producer = null;
            }
        }
    }
}
