package io.herald.ingest.events;

import io.herald.runtime.kafka.TransactionalProducer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Commits the batches of concurrent requests together (group commit): while one Kafka transaction commits, the
 * requests that come in meanwhile wait, and the next transaction takes them all. A lone request is committed at once
 * (nothing lingers); under load one commit, with its round trips to the broker and its markers on every partition,
 * serves many requests. Each request stays all or nothing: a batch that is refused on its own account
 * ({@link Rejected}, e.g. an event too large for its topic) aborts the transaction and fails alone, and the others
 * are committed again without it; anything else (Kafka unavailable) fails every request of the transaction.
 *
 * @param <R> what a committed request gets back
 */
final class GroupCommits<K, V, R> implements AutoCloseable {

    /** The records of one request, written into whatever transaction is open. */
    interface Batch<K, V, R> {

        /**
         * Sends the request's records; returns what finishes the request once every batch of the transaction has
         * sent its records (waiting for their acknowledgements, sending what depends on their coordinates).
         *
         * @throws Rejected when this request alone cannot be committed
         */
        Sent<K, V, R> send(Producer<K, V> transaction) throws Exception;
    }

    /** A batch whose records are sent. */
    interface Sent<K, V, R> {
        R acknowledged(Producer<K, V> transaction) throws Exception;
    }

    /** A request refused on its own account; the others of its transaction are committed without it. */
    static final class Rejected extends RuntimeException {
        Rejected(RuntimeException why) {
            super(why);
        }

        RuntimeException why() {
            return (RuntimeException) getCause();
        }
    }

    private record Pending<K, V, R>(Batch<K, V, R> batch, CompletableFuture<R> result) {
    }

    /** The most requests one transaction takes. */
    static final int MAX_GROUP = 256;

    private final TransactionalProducer<K, V> producer;
    private final IntConsumer groupSizes;
    private final LinkedBlockingQueue<Pending<K, V, R>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    /** @param groupSizes told how many requests each committed transaction held (a metric) */
    GroupCommits(String name, TransactionalProducer<K, V> producer, IntConsumer groupSizes) {
        this.producer = producer;
        this.groupSizes = groupSizes;
        this.thread = new Thread(this::commitQueued, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Commits the batch with whatever else is waiting; returns its result once the transaction is committed.
     *
     * @throws RuntimeException what made the batch or its transaction fail (a {@link Rejected}'s reason, Kafka's
     *     exception); nothing of the batch is visible then
     */
    R commit(Batch<K, V, R> batch) {
        Pending<K, V, R> pending = new Pending<>(batch, new CompletableFuture<>());
        queue.add(pending);
        if (closed && queue.remove(pending)) { // closed meanwhile: nobody would take it
            throw shuttingDown();
        }
        try {
            return pending.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntakeUnavailableException("interrupted while the events were being published", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Requests waiting for a transaction. */
    int queued() {
        return queue.size();
    }

    private void commitQueued() {
        List<Pending<K, V, R>> group = new ArrayList<>();
        while (!closed) {
            try {
                group.add(queue.take());
            } catch (InterruptedException stopping) {
                break;
            }
            queue.drainTo(group, MAX_GROUP - 1);
            commitGroup(group);
            group.clear();
        }
        Pending<K, V, R> left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(shuttingDown());
        }
    }

    private void commitGroup(List<Pending<K, V, R>> group) {
        List<Pending<K, V, R>> remaining = new ArrayList<>(group);
        while (!remaining.isEmpty()) {
            int[] rejectedAt = {-1};
            try {
                List<R> results = producer.inTransaction(transaction -> {
                    List<Sent<K, V, R>> sent = new ArrayList<>(remaining.size());
                    for (int i = 0; i < remaining.size(); i++) {
                        rejectedAt[0] = i;
                        sent.add(remaining.get(i).batch().send(transaction));
                    }
                    List<R> acknowledged = new ArrayList<>(remaining.size());
                    for (int i = 0; i < sent.size(); i++) {
                        rejectedAt[0] = i;
                        acknowledged.add(sent.get(i).acknowledged(transaction));
                    }
                    rejectedAt[0] = -1;
                    return acknowledged;
                });
                groupSizes.accept(remaining.size());
                for (int i = 0; i < remaining.size(); i++) {
                    remaining.get(i).result().complete(results.get(i));
                }
                return;
            } catch (Throwable failure) {
                if (failure instanceof Rejected rejected && rejectedAt[0] >= 0) {
                    remaining.remove(rejectedAt[0]).result().completeExceptionally(rejected.why());
                    continue; // the transaction was aborted: the others again, without it
                }
                remaining.forEach(pending -> pending.result().completeExceptionally(failure));
                return;
            }
        }
    }

    private static IntakeUnavailableException shuttingDown() {
        return new IntakeUnavailableException("ingest is shutting down; nothing of the batch was published: post it "
                + "again", null);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(java.time.Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending<K, V, R> left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(shuttingDown());
        }
    }
}
