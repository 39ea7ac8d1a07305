package io.herald.deliverer;

import io.herald.schemas.Topics;
import io.herald.schemas.delivery.Delivery;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import io.herald.runtime.kafka.UndecodableRecords;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import io.herald.runtime.logging.LogKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The polling loop: hands each delivery to the {@link DeliveryProcessor} without waiting for it, so one slow
 * endpoint never holds up the others; pauses polling while {@code maxInFlight} deliveries are under way; commits
 * only offsets below the lowest unfinished delivery. Only this loop's thread touches the consumer.
 */
final class DeliveryWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);

    private final Consumer<String, Delivery> consumer;
    private final DeliveryProcessor processor;
    private final int maxInFlight;
    /** Says when polling should pause for a backlog, and gives up the deliveries not yet sent when stopping. */
    private final EndpointGuard guard;
    /** Deliveries given up unsent at the stop: unfinished (uncommitted), but no longer waited for. */
    private final java.util.concurrent.atomic.AtomicInteger abandoned = new java.util.concurrent.atomic.AtomicInteger();
    private final Duration shutdownGrace;
    private final OffsetTracker offsets = new OffsetTracker();
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean paused;
    private byte[] ownGroup;
    private long lastCommitNanos = System.nanoTime();

    DeliveryWorker(Consumer<String, Delivery> consumer, DeliveryProcessor processor, int maxInFlight,
            EndpointGuard guard, Duration shutdownGrace) {
        this.consumer = consumer;
        this.processor = processor;
        this.maxInFlight = maxInFlight;
        this.guard = guard;
        this.shutdownGrace = shutdownGrace;
    }

    /** How long {@link #stop()} lets deliveries under way finish. */
    Duration shutdownGrace() {
        return shutdownGrace;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(Topics.DELIVERIES), new CommitOnRevoke());
            while (running) {
                pollAndDispatch();
                drainFinished();
                applyBackpressure();
                commitIfDue();
            }
            finishInFlight();
        } catch (WakeupException stopping) {
            finishInFlight();
        } catch (RuntimeException e) {
            LOG.error("Delivery worker failed; uncommitted deliveries will be redone by the next owner", e);
        } finally {
            consumer.close();
            stopped.countDown();
        }
    }

    /** Asks the loop to stop; in-flight deliveries get the shutdown grace period to finish. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    /** Whether the loop is polling: false once it stopped, for whatever reason. */
    boolean isRunning() {
        return running && stopped.getCount() > 0;
    }

    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void pollAndDispatch() {
        try {
            for (ConsumerRecord<String, Delivery> record : consumer.poll(POLL_TIMEOUT)) {
                dispatch(record);
            }
        } catch (RecordDeserializationException e) {
            // Not a Delivery we can read: nothing to send, passed over; unless the registry failed, not the record.
            UndecodableRecords.readAgainOrSkip(consumer, e, LOG, "delivery");
        }
    }

    private void dispatch(ConsumerRecord<String, Delivery> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        long offset = record.offset();
        offsets.started(partition, offset);
        if (record.value() == null || !ofThisGroup(record)) {
            finished.add(new Finished(partition, offset));
            return;
        }
        processor.process(record.value(), record.headers()).whenComplete((attempt, error) -> {
            if (error instanceof EndpointGuard.Stopping || error != null
                    && error.getCause() instanceof EndpointGuard.Stopping) {
                abandoned.incrementAndGet(); // not sent: left uncommitted for the partition's next owner
                return;
            }
            if (error != null) {
                // The attempt record could not be stored: keep the offset uncommitted so the delivery is redone.
                LogKeys.delivery(LOG.atError(), record.value()).setCause(error).log(
                        "Recording the attempt of delivery {} at {}@{} failed; it stays uncommitted",
                        record.value().getId(), partition, offset);
                return;
            }
            finished.add(new Finished(partition, offset));
        });
    }

    /**
     * Whether a delivery is this group's: routed ones are every group's, a retry handed back is only its group's
     * (another group's deliverers made that attempt; taking it up too would multiply the retries).
     */
    private boolean ofThisGroup(ConsumerRecord<String, Delivery> record) {
        org.apache.kafka.common.header.Header group = record.headers().lastHeader(Topics.DELIVERER_GROUP_HEADER);
        if (group == null) {
            return true;
        }
        if (ownGroup == null) {
            ownGroup = consumer.groupMetadata().groupId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return java.util.Arrays.equals(group.value(), ownGroup);
    }

    private void drainFinished() {
        Finished done;
        while ((done = finished.poll()) != null) {
            offsets.finished(done.partition(), done.offset());
        }
    }

    /**
     * Pauses polling at the in-flight limit, or while a webhook has more waiting than its share, and resumes as soon
     * as neither holds: deliveries held by endpoints that never answer can occupy most of the budget for their whole
     * timeout, so waiting for the count to fall far below the limit would stall every other webhook until then.
     */
    private void applyBackpressure() {
        boolean full = offsets.inFlight() >= maxInFlight || guard.backlogged();
        if (!paused && full) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && !full) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    private void commitIfDue() {
        if (System.nanoTime() - lastCommitNanos < COMMIT_INTERVAL.toNanos()) {
            return;
        }
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> commits = offsets.takeCommittable();
        if (!commits.isEmpty()) {
            consumer.commitAsync(commits, (committed, error) -> {
                if (error == null) {
                    offsets.commitSucceeded(commits);
                } else {
                    offsets.commitFailed(commits);
                    LOG.warn("Committing offsets {} failed ({}); the next commit offers them again", commits,
                            error.toString());
                }
            });
        }
    }

    /** Lets the requests under way finish (deliveries waiting for a slot are not sent), then commits. */
    private void finishInFlight() {
        guard.abandonWaiting();
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        while (offsets.inFlight() - abandoned.get() > 0 && System.nanoTime() < deadline) {
            drainFinished();
            sleepQuietly(20);
        }
        drainFinished();
        if (offsets.inFlight() - abandoned.get() > 0) {
            LOG.warn("{} deliveries did not finish within {}; they stay uncommitted and will be redone",
                    offsets.inFlight() - abandoned.get(), shutdownGrace);
        }
        if (abandoned.get() > 0) {
            LOG.info("{} deliveries waiting for their webhook's turn were not sent; the next owner sends them",
                    abandoned.get());
        }
        commitNow();
    }

    /** Commits, synchronously, everything finished the broker has not confirmed (failed async commits too). */
    private void commitNow() {
        Map<TopicPartition, OffsetAndMetadata> commits = offsets.takeUnconfirmed();
        if (!commits.isEmpty()) {
            try {
                commitSyncDespiteWakeup(commits);
                offsets.commitSucceeded(commits);
            } catch (RuntimeException e) {
                offsets.commitFailed(commits);
                LOG.warn("Final commit of {} failed; those deliveries may be redone", commits, e);
            }
        }
    }

    /** stop() may leave a wakeup pending that aborts the next blocking call; the final commit must still happen. */
    private void commitSyncDespiteWakeup(Map<TopicPartition, OffsetAndMetadata> commits) {
        try {
            consumer.commitSync(commits);
        } catch (WakeupException pendingWakeup) {
            consumer.commitSync(commits);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class CommitOnRevoke implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drainFinished();
            commitNow();
            offsets.forget(partitions);
            // Not paused = false: with incremental rebalances the partitions kept stay paused until resumed.
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
                consumer.pause(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            offsets.forget(partitions);
        }
    }

    private record Finished(TopicPartition partition, long offset) {
    }
}
