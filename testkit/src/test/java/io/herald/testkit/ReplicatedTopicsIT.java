package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.runtime.kafka.TopicInstaller;
import io.herald.schemas.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** Herald's topics on a three-broker cluster: three replicas of every partition, two of which take every write. */
class ReplicatedTopicsIT {

    @Test
    void everyTopicGetsTheReplicationFactorAndMinInSyncReplicasAsked() throws Exception {
        try (EmbeddedKafka cluster = EmbeddedKafka.startCluster(3); Admin admin = cluster.admin()) {
            List<String> report = new TopicInstaller(admin).install(Topics.all(), (short) 3, 2);

            assertThat(report).contains("iam.auth: created (6 partitions, 3 replicas)");
            List<String> names = Topics.all().stream().map(spec -> spec.name()).toList();
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
            assertThat(described.values()).allSatisfy(topic -> assertThat(topic.partitions())
                    .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3)));
            Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get();
            assertThat(configs.values()).allSatisfy(config ->
                    assertThat(config.get("min.insync.replicas").value()).isEqualTo("2"));
        }
    }

    @Test
    void moreInSyncReplicasThanReplicasIsRefusedBeforeAnythingIsCreated() {
        assertThatThrownBy(() -> new TopicInstaller(null).install(Topics.all(), (short) 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min.insync.replicas 2 must be from 1 to the replication factor 1");
    }
}
