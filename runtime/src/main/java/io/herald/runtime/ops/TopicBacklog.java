package io.herald.runtime.ops;

import io.herald.runtime.kafka.KafkaClients;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records a topic holds, all partitions together (latest minus earliest offset), refreshed in the
 * background and published as a gauge: the dead-letter queue's size. NaN until the first answer, and when Kafka
 * does not answer, so a stale number is never shown as current.
 */
public final class TopicBacklog implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final String topic;
    private final ScheduledExecutorService refresher = DaemonThreads.scheduler("topic-backlog");
    private volatile double records = Double.NaN;

    private TopicBacklog(KafkaClients kafka, String topic) {
        this.admin = kafka.admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
        this.topic = topic;
    }

    /** Registers {@code meterName} for {@code topic} and refreshes it every {@code interval}. */
    public static TopicBacklog start(KafkaClients kafka, String topic, Duration interval, MeterRegistry registry,
            String meterName, String description) {
        TopicBacklog backlog = new TopicBacklog(kafka, topic);
        Gauge.builder(meterName, backlog, TopicBacklog::records).description(description).register(registry);
        backlog.refresher.scheduleWithFixedDelay(backlog::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return backlog;
    }

    public double records() {
        return records;
    }

    private void refresh() {
        try {
            TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            Set<TopicPartition> partitions = description.partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
            records = sum(offsets(partitions, OffsetSpec.latest())) - sum(offsets(partitions, OffsetSpec.earliest()));
        } catch (Exception e) {
            records = Double.NaN;
        }
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static long sum(Map<TopicPartition, ListOffsetsResultInfo> offsets) {
        return offsets.values().stream().mapToLong(ListOffsetsResultInfo::offset).sum();
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
