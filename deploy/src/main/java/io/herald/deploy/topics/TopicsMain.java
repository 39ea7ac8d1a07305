package io.herald.deploy.topics;

import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.TopicInstaller;
import io.herald.schemas.Topics;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.ConfigException;
import io.herald.runtime.config.Setting;
import io.herald.runtime.config.Settings;
import io.herald.runtime.registry.RegistryCompatibility;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Prepares a cluster for Herald (the docker-compose init service and the Kubernetes job run this): creates its
 * topics and sets the schema registry's compatibility rule to BACKWARD. Safe to run again: existing topics are
 * kept.
 */
public final class TopicsMain {

    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("herald.topics.replication-factor", 3,
            1, 32, "Replication factor of topics created by herald-topics; 3 in production, 1 on a single broker");

    public static final Setting<Integer> MIN_INSYNC_REPLICAS = Setting.integer("herald.topics.min-insync-replicas", 2,
            1, 32, "min.insync.replicas of topics created by herald-topics: Herald writes with acks=all, so a write "
                    + "needs this many in-sync copies (2 of 3 lets one broker be down, and no acknowledged record "
                    + "lives on one disk only); at most the replication factor");

    /** Every key herald-topics reads. */
    public static final java.util.List<Setting<?>> SETTINGS = java.util.List.of(
            CommonSettings.KAFKA_BOOTSTRAP_SERVERS, CommonSettings.REGISTRY_URL,
            CommonSettings.REGISTRY_USERNAME, CommonSettings.REGISTRY_PASSWORD, CommonSettings.REGISTRY_BEARER_TOKEN,
            REPLICATION_FACTOR,
            MIN_INSYNC_REPLICAS);

    private TopicsMain() {
    }

    public static void main(String[] args) {
        try {
            Settings settings = Settings.fromProcess();
            short replication = settings.get(REPLICATION_FACTOR).shortValue();
            int minInSync = settings.minInSyncReplicas(MIN_INSYNC_REPLICAS, REPLICATION_FACTOR);
            var registry = CommonSettings.registry(settings);
            try (Admin admin = KafkaClients.from(settings).admin(Map.of())) {
                new TopicInstaller(admin).install(Topics.all(), replication, minInSync).forEach(System.out::println);
            }
            RegistryCompatibility.requireBackward(registry);
            System.out.println("registry compatibility: " + RegistryCompatibility.LEVEL);
        } catch (ConfigException | IllegalStateException | io.herald.schemas.registry.SchemaRegistryException e) {
            System.err.println("herald-topics: " + e.getMessage());
            System.exit(1);
        }
    }
}
