package io.herald.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.router.quarantine.EventQuarantine;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The router's Kafka Streams properties, whole: a property dropped, changed or added makes this fail. */
class HeraldRouterPropertiesTest {

    private final RouterConfig config = RouterConfig.builder("broker-1:9092,broker-2:9092", "http://registry:8081",
            "herald-router-eu", Path.of("/var/lib/herald-router")).set(RouterConfig.STREAM_THREADS, 3).build();
    private final Properties props = HeraldRouter.streamsProperties(config);

    @Test
    void areExactlyTheConfiguredOnesPlusHeraldsGuarantees() {
        assertThat(props).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry(StreamsConfig.APPLICATION_ID_CONFIG, "herald-router-eu"),
                Map.entry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker-1:9092,broker-2:9092"),
                Map.entry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3),
                Map.entry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/herald-router"),
                // routing is exactly once: each event is fanned out once, even across crashes and rebalances
                Map.entry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2),
                // A task reads partition N of every event topic; they need no common time order, and waiting (the
                // default, 0) made Kafka Streams format a log line per record: a tenth of the router's CPU.
                Map.entry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L),
                // deliveries are visible once the router commits: herald.router.commit-interval
                Map.entry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L),
                // a killed router's tasks move after 10 s (herald.router.session-timeout), not Kafka's 45 s
                Map.entry("consumer.session.timeout.ms", 10_000),
                Map.entry("consumer.heartbeat.interval.ms", 3_333),
                // what can't be decoded or routed goes to iam.events.rejected and never stops routing
                Map.entry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, EventQuarantine.class),
                Map.entry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, EventQuarantine.class),
                // the store's changelog and the repartition topic: as many replicas as the brokers' default
                Map.entry(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1)));
    }

    @Test
    void theRoutersOwnTopicsGetTheReplicasAndInSyncReplicasAsked() {
        Properties replicated = HeraldRouter.streamsProperties(RouterConfig.builder("b:9092", "http://registry:8081",
                "herald-router", Path.of("/tmp/r")).set(RouterConfig.REPLICATION_FACTOR, 3)
                .set(RouterConfig.MIN_INSYNC_REPLICAS, 2).build());

        assertThat(replicated).containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry("topic.min.insync.replicas", 2);
        assertThat(props).doesNotContainKey("topic.min.insync.replicas");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RouterConfig.builder("b:9092",
                "http://registry:8081", "herald-router", Path.of("/tmp/r")).set(RouterConfig.REPLICATION_FACTOR, 2)
                .set(RouterConfig.MIN_INSYNC_REPLICAS, 3).build())
                .hasMessage("herald.router.min-insync-replicas (3) must be at most herald.router.replication-factor "
                        + "(2): no write could ever succeed");
    }

    @Test
    void kafkaStreamsAcceptsThemAndReadsThemAsMeant() {
        StreamsConfig streams = new StreamsConfig(props);

        assertThat(streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(streams.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(3);
        assertThat(streams.getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(-1L);
        assertThat(streams.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
        // exactly_once_v2 makes Streams read committed data only and write with idempotent, all-replica acks
        assertThat(streams.getMainConsumerConfigs("g", "c", 0)).containsEntry("isolation.level", "read_committed");
        assertThat(streams.getProducerConfigs("c")).containsEntry("enable.idempotence", true);
    }
}
