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
    private final Map<TopicPartition, Long> committed = new HashMap<>();
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

    /** Offsets to commit that moved since the last call, and records them as committed. */
    Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        nextOffset.forEach((partition, next) -> {
            TreeSet<Long> offsets = unfinished.get(partition);
            long safe = offsets == null || offsets.isEmpty() ? next : offsets.first();
            if (safe > committed.getOrDefault(partition, -1L)) {
                commits.put(partition, new OffsetAndMetadata(safe));
                committed.put(partition, safe);
            }
        });
        return commits;
    }

    /** Drops partitions no longer assigned; their unfinished deliveries will be redone by the new owner. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            TreeSet<Long> offsets = unfinished.remove(partition);
            inFlight -= offsets == null ? 0 : offsets.size();
            nextOffset.remove(partition);
            committed.remove(partition);
        }
    }
}
