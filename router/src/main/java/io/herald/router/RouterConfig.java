package io.herald.router;

import io.herald.schemas.config.CommonSettings;
import io.herald.schemas.config.Setting;
import io.herald.schemas.config.Settings;
import java.nio.file.Path;
import java.util.List;

/**
 * The router's configuration, validated at startup.
 *
 * @param applicationId Kafka Streams application id: the consumer group and the prefix of internal topics
 * @param streamThreads processing threads in this instance
 * @param stateDirectory where the subscriptions store lives (rebuilt from the topic when lost)
 */
public record RouterConfig(
        String bootstrapServers,
        String registryUrl,
        String applicationId,
        int streamThreads,
        Path stateDirectory) {

    public static final Setting<String> APPLICATION_ID = Setting.text("herald.router.application-id",
            "herald-router", "Kafka Streams application id of the router (its consumer group)");
    public static final Setting<Integer> STREAM_THREADS = Setting.integer("herald.router.stream-threads", 1, 1, 64,
            "Stream threads per router instance; partitions of the event topics bound the useful total");
    public static final Setting<String> STATE_DIR = Setting.text("herald.router.state-dir",
            System.getProperty("java.io.tmpdir") + "/herald-router",
            "Directory of the router's local state (the subscriptions store); rebuilt from Kafka when lost");

    /** Every key the router reads, for documentation and startup logs. */
    public static final List<Setting<?>> SETTINGS = List.of(CommonSettings.KAFKA_BOOTSTRAP_SERVERS,
            CommonSettings.REGISTRY_URL, APPLICATION_ID, STREAM_THREADS, STATE_DIR);

    public static RouterConfig from(Settings settings) {
        return new RouterConfig(
                settings.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS),
                settings.get(CommonSettings.REGISTRY_URL),
                settings.get(APPLICATION_ID),
                settings.get(STREAM_THREADS),
                Path.of(settings.get(STATE_DIR)));
    }
}
