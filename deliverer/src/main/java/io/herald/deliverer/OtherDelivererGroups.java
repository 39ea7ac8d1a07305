package io.herald.deliverer;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.ops.DaemonThreads;
import io.herald.schemas.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, loudly, when deliverers of another group also read {@link Topics#DELIVERIES}: every group sends every
 * delivery, so receivers get each one once per group (retries stay each group's own, so nothing multiplies beyond
 * that). Checked shortly after start and every minute, so both groups of a blue/green deploy done with a new group
 * id say so; each group once.
 */
final class OtherDelivererGroups implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OtherDelivererGroups.class);
    private static final Duration FIRST_CHECK = Duration.ofSeconds(5);
    private static final Duration EVERY = Duration.ofMinutes(1);
    private static final long TIMEOUT_SECONDS = 10;
    /** How a deliverer's delivery consumer names itself: {@code <group>-deliveries} (tools reading the topic don't). */
    static final String CLIENT_SUFFIX = "-deliveries";

    private final Admin admin;
    private final String ownGroup;
    private final Set<String> reported = new HashSet<>();
    private final ScheduledExecutorService checker = DaemonThreads.scheduler("deliverer-group-check");

    private OtherDelivererGroups(KafkaClients kafka, String ownGroup) {
        this.admin = kafka.admin(Map.of());
        this.ownGroup = ownGroup;
    }

    static OtherDelivererGroups watch(KafkaClients kafka, String ownGroup) {
        OtherDelivererGroups watcher = new OtherDelivererGroups(kafka, ownGroup);
        watcher.checker.scheduleWithFixedDelay(watcher::checkOnce, FIRST_CHECK.toMillis(), EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return watcher;
    }

    private void checkOnce() {
        try {
            for (String group : find()) {
                if (reported.add(group)) {
                    LOG.warn("Deliverer group {} also reads {}: every group sends every delivery, so receivers get "
                            + "each one once per group. Run every deliverer with one herald.deliverer.group-id "
                            + "(this one: {}); a blue/green deploy keeps it", group, Topics.DELIVERIES, ownGroup);
                }
            }
        } catch (Exception e) { // Kafka away: the next round looks again
            LOG.debug("Looking for other deliverer groups failed: {}", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Groups other than this one whose deliverers hold partitions of the deliveries topic now. */
    List<String> find() throws Exception {
        List<String> others = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream().map(GroupListing::groupId)
                .filter(id -> !id.equals(ownGroup) && !id.equals(ownGroup + "-retries")).toList();
        if (others.isEmpty()) {
            return List.of();
        }
        return admin.describeConsumerGroups(others).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
                .filter(group -> group.members().stream().anyMatch(member -> member.clientId().endsWith(CLIENT_SUFFIX)
                        && member.assignment().topicPartitions().stream()
                                .anyMatch(partition -> partition.topic().equals(Topics.DELIVERIES))))
                .map(ConsumerGroupDescription::groupId).sorted().toList();
    }

    @Override
    public void close() {
        checker.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
