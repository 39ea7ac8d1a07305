package io.herald.runtime.kafka;

import io.herald.schemas.TopicSpec;
import io.herald.schemas.Topics;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Herald's topics from their definitions in {@link Topics}: used by the test kit, the local launcher and
 * the topic-creation job of deployments. Idempotent: existing topics are left alone, but one with fewer partitions
 * than defined is reported, since it caps how many deliverers can share the work.
 */
public final class TopicInstaller {

    private final Admin admin;

    public TopicInstaller(Admin admin) {
        this.admin = admin;
    }

    private static final java.time.Duration METADATA_WAIT = java.time.Duration.ofSeconds(30);

    /** Creates the missing topics on a single broker: one replica each. */
    public List<String> install(Collection<TopicSpec> topics, short replicationFactor) {
        return install(topics, replicationFactor, 1);
    }

    /**
     * Creates the missing topics with this many replicas, of which {@code minInSyncReplicas} must have every write
     * (Herald's producers write with acks=all).
     *
     * @return one line per topic saying what was done, for logs
     */
    public List<String> install(Collection<TopicSpec> topics, short replicationFactor, int minInSyncReplicas) {
        if (minInSyncReplicas < 1 || minInSyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("min.insync.replicas " + minInSyncReplicas
                    + " must be from 1 to the replication factor " + replicationFactor);
        }
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), replicationFactor).configs(withMinInSync(
                            t.configs(), minInSyncReplicas)))
                    .toList();
            createIgnoringRaces(missing);
            Map<String, TopicDescription> described = describeOnceKnown(topics.stream().map(TopicSpec::name).toList());
            return topics.stream().map(t -> report(t, existing.contains(t.name()), described.get(t.name()))).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("creating Herald's topics failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    /**
     * Describes the topics, waiting while a broker does not know a topic just created yet: on a cluster of several
     * brokers, the metadata of a new topic reaches each broker a moment after the controller created it.
     */
    private Map<String, TopicDescription> describeOnceKnown(List<String> names)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static Map<String, String> withMinInSync(Map<String, String> configs, int minInSyncReplicas) {
        Map<String, String> all = new java.util.HashMap<>(configs);
        all.put("min.insync.replicas", Integer.toString(minInSyncReplicas));
        return all;
    }

    private void createIgnoringRaces(List<NewTopic> missing) throws InterruptedException, ExecutionException {
        try {
            admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e; // another installer creating the same topic at the same time is fine
            }
        }
    }

    private static String report(TopicSpec spec, boolean existed, TopicDescription actual) {
        int partitions = actual.partitions().size();
        String state = existed ? "exists" : "created";
        if (partitions < spec.partitions()) {
            return spec.name() + ": " + state + " with " + partitions + " partitions, fewer than the "
                    + spec.partitions() + " defined (add partitions to scale out)";
        }
        return spec.name() + ": " + state + " (" + partitions + " partitions, " + actual.partitions().get(0)
                .replicas().size() + " replicas" + (spec.compacted() ? ", compacted" : "") + ")";
    }
}
