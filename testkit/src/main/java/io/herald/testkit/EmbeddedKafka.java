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

    /** Broker settings of every test cluster: no waiting for more members, no topics created by accident. */
    private static final Map<String, String> TEST_CLUSTER = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "auto.create.topics.enable", "false");

    /** Broker settings of a one-node test cluster: internal topics of one replica, no waiting, no auto-creation. */
    static final Map<String, String> SINGLE_NODE = with(TEST_CLUSTER, Map.of(
            "offsets.topic.replication.factor", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "share.coordinator.state.topic.replication.factor", "1",
            "share.coordinator.state.topic.min.isr", "1"));

    /**
     * Broker settings of a cluster of three or more, as production clusters have them (MSK, Confluent Cloud,
     * Strimzi's examples): internal topics of three replicas, two of which take every write.
     */
    static final Map<String, String> REPLICATED = with(TEST_CLUSTER, Map.of(
            "offsets.topic.replication.factor", "3",
            "transaction.state.log.replication.factor", "3",
            "transaction.state.log.min.isr", "2",
            "share.coordinator.state.topic.replication.factor", "3",
            "share.coordinator.state.topic.min.isr", "2"));

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

    /**
     * Starts a cluster of {@code brokers} brokers (the first also the controller), data in a temporary directory;
     * from three brokers on, internal topics have three replicas (see {@link #REPLICATED}).
     */
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
            (brokers >= 3 ? REPLICATED : SINGLE_NODE).forEach(builder::setConfigProp);
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

    private static Map<String, String> with(Map<String, String> common, Map<String, String> own) {
        Map<String, String> all = new java.util.HashMap<>(common);
        all.putAll(own);
        return Map.copyOf(all);
    }

    /** The node ids of the brokers, the controller's first. */
    public java.util.List<Integer> brokerIds() {
        return cluster.brokers().keySet().stream().sorted().toList();
    }

    /**
     * Stops one broker in an orderly way, as a rolling restart or a lost machine's replacement does; its partitions'
     * leadership moves to the other replicas. The controller keeps running (it is a separate server even where
     * combined with broker {@code brokerIds().get(0)}).
     */
    public void stopBroker(int id) {
        broker(id).shutdown();
        broker(id).awaitShutdown();
        LOG.info("Kafka broker {} stopped", id);
    }

    /** Starts a broker {@link #stopBroker stopped} before, on its data; it catches up and rejoins the ISR. */
    public void startBroker(int id) {
        broker(id).startup();
        LOG.info("Kafka broker {} started again", id);
    }

    private kafka.server.BrokerServer broker(int id) {
        kafka.server.BrokerServer broker = cluster.brokers().get(id);
        if (broker == null) {
            throw new IllegalArgumentException("no broker " + id + " in " + brokerIds());
        }
        return broker;
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
