package io.herald.deliverer;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed when deliveries finish out of order: per partition, everything below the lowest
 * unfinished offset. A crash therefore redoes unfinished work (and maybe some finished work) but never skips any.
 * Used by the polling thread only.
 */
final class OffsetTracker {

    private final Map<TopicPartition, TreeSet<Long>> unfinished = new HashMap<>();
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
    /** What the broker confirmed, per partition. */
    private final Map<TopicPartition, Long> confirmed = new HashMap<>();
    /** What was last sent to the broker (an asynchronous commit may still be on its way), per partition. */
    private final Map<TopicPartition, Long> requested = new HashMap<>();
    private int inFlight;

    void started(TopicPartition partition, long offset) {
        unfinished.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        nextOffset.merge(partition, offset + 1, Math::max);
        inFlight++;
    }

    /** Marks an offset finished; ignored if its partition was revoked meanwhile. */
    void finished(TopicPartition partition, long offset) {
        TreeSet<Long> offsets = unfinished.get(partition);
        if (offsets != null && offsets.remove(offset)) {
            inFlight--;
        }
    }

    int inFlight() {
        return inFlight;
    }

    /** Offsets to commit that moved beyond what was last sent, recorded as sent (not as committed). */
    Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        nextOffset.forEach((partition, next) -> {
            long safe = safe(partition, next);
            if (safe > requested.getOrDefault(partition, -1L)) {
                commits.put(partition, new OffsetAndMetadata(safe));
                requested.put(partition, safe);
            }
        });
        return commits;
    }

    /** Everything finished that the broker has not confirmed, for a synchronous commit; recorded as sent. */
    Map<TopicPartition, OffsetAndMetadata> takeUnconfirmed() {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        nextOffset.forEach((partition, next) -> {
            long safe = safe(partition, next);
            if (safe > confirmed.getOrDefault(partition, -1L)) {
                commits.put(partition, new OffsetAndMetadata(safe));
                requested.merge(partition, safe, Math::max);
            }
        });
        return commits;
    }

    /** The broker took these offsets. */
    void commitSucceeded(Map<TopicPartition, OffsetAndMetadata> commits) {
        commits.forEach((partition, offset) -> {
            if (nextOffset.containsKey(partition)) { // not revoked meanwhile
                confirmed.merge(partition, offset.offset(), Math::max);
            }
        });
    }

    /** The broker did not take these offsets: the next commit offers them again. */
    void commitFailed(Map<TopicPartition, OffsetAndMetadata> commits) {
        commits.keySet().forEach(partition -> {
            if (nextOffset.containsKey(partition)) {
                requested.put(partition, confirmed.getOrDefault(partition, -1L));
            }
        });
    }

    private long safe(TopicPartition partition, long next) {
        TreeSet<Long> offsets = unfinished.get(partition);
        return offsets == null || offsets.isEmpty() ? next : offsets.first();
    }

    /** Drops partitions no longer assigned; their unfinished deliveries will be redone by the new owner. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            TreeSet<Long> offsets = unfinished.remove(partition);
            inFlight -= offsets == null ? 0 : offsets.size();
            nextOffset.remove(partition);
            confirmed.remove(partition);
            requested.remove(partition);
        }
    }
}
