package io.herald.testkit;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.TopicInstaller;
import io.herald.schemas.TopicSpec;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (KRaft, combined broker and controller) running in this JVM, from Kafka's own
 * test kit. Starts in a few seconds; transactions and consumer groups work because the internal topics are set to
 * replication factor 1.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Broker settings of a one-node test cluster: internal topics of one replica, no waiting, no auto-creation. */
    static final Map<String, String> SINGLE_NODE = Map.of(
            "offsets.topic.replication.factor", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "share.coordinator.state.topic.replication.factor", "1",
            "share.coordinator.state.topic.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false");

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a broker whose data lives in a temporary directory, deleted on close. */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /** Starts a broker; with a {@code dataDirectory}, its logs are kept there after close. */
    public static EmbeddedKafka start(Path dataDirectory) {
        return start(dataDirectory, 1);
    }

    /** Starts a cluster of {@code brokers} brokers (one of them also the controller), data in a temporary directory. */
    public static EmbeddedKafka startCluster(int brokers) {
        return start(null, brokers);
    }

    private static EmbeddedKafka start(Path dataDirectory, int brokers) {
        try {
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(brokers)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction());
            if (dataDirectory != null) {
                nodes.setBaseDirectory(dataDirectory);
            }
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build());
            SINGLE_NODE.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.setDeleteOnClose(dataDirectory == null).build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster);
            LOG.info("Kafka broker ready at {}", kafka.bootstrapServers());
            return kafka;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka broker failed to start", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** A new admin client; the caller closes it. */
    public Admin admin() {
        return KafkaClients.of(bootstrapServers()).admin(Map.of());
    }

    /** Creates the topics that don't exist yet, with replication factor 1. */
    public void createTopics(Collection<TopicSpec> topics) {
        try (Admin admin = admin()) {
            new TopicInstaller(admin).install(topics, (short) 1);
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("closing the embedded Kafka broker failed", e);
        }
    }
}
