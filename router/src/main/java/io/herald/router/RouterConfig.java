package io.herald.router;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.ConfigBuilder;
import io.herald.runtime.config.Setting;
import io.herald.runtime.config.Settings;
import io.herald.runtime.tracing.TracingSettings;
import io.herald.router.health.EndpointHealthPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The router's configuration, validated at startup.
 *
 * @param applicationId Kafka Streams application id: the consumer group and the prefix of internal topics
 * @param streamThreads processing threads in this instance
 * @param stateDirectory where the webhook and health stores live (rebuilt from Kafka when lost)
 * @param health when failing webhooks are disabled
 * @param opsPort port of the operations endpoint (metrics, health); 0 for any free port
 * @param tenantMetrics whether the routed-events counter carries a tenant label (only where tenants are few)
 */
public record RouterConfig(
        KafkaClients kafka,
        RegistryEndpoint registry,
        String applicationId,
        int streamThreads,
        Path stateDirectory,
        EndpointHealthPolicy health,
        int opsPort,
        boolean tenantMetrics,
        int replicationFactor,
        int minInSyncReplicas,
        Duration sessionTimeout,
        Duration commitInterval) {

    public static final Setting<String> APPLICATION_ID = Setting.text("herald.router.application-id",
            "herald-router", "Kafka Streams application id of the router (its consumer group)");
    public static final Setting<Integer> STREAM_THREADS = Setting.integer("herald.router.stream-threads", 1, 1, 64,
            "Stream threads per router instance; partitions of the event topics bound the useful total");
    public static final Setting<String> STATE_DIR = Setting.text("herald.router.state-dir",
            "${java.io.tmpdir}/herald-router",
            "Directory of the router's local state (the webhook store); rebuilt from Kafka when lost");

    public static final Setting<Boolean> AUTO_DISABLE = Setting.flag("herald.health.auto-disable", true,
            "Whether webhooks that keep failing are disabled (410 Gone disables at once regardless)");
    // Svix's rule: a webhook that has failed every attempt for 5 days is disabled; 20 failures at the least.
    public static final Setting<Integer> DISABLE_AFTER_FAILURES = Setting.integer(
            "herald.health.disable-after-failures", 20, 1, 1_000_000,
            "Failed attempts in a row before a webhook is disabled"
                    + " (and it must have been failing for herald.health.disable-after)");
    public static final Setting<Duration> DISABLE_AFTER = Setting.duration("herald.health.disable-after", "5d",
            Duration.ZERO, Duration.ofDays(365),
            "How long a webhook must have been failing every attempt before it is disabled");

    /** The health policy of the defaults above. */
    public static final EndpointHealthPolicy DEFAULT_HEALTH = new EndpointHealthPolicy(AUTO_DISABLE.defaultValue(),
            DISABLE_AFTER_FAILURES.defaultValue(), DISABLE_AFTER.defaultValue());

    public static final Setting<Integer> REPLICATION_FACTOR = Setting.integer("herald.router.replication-factor", -1,
            -1, Short.MAX_VALUE, "Replicas of the topics Kafka Streams creates for the router (its webhook store's "
                    + "changelog, the repartition topic): -1 takes the brokers' default.replication.factor; give 3 "
                    + "where that default is lower, as herald-topics does for Herald's own topics");
    public static final Setting<Integer> MIN_INSYNC_REPLICAS = Setting.integer("herald.router.min-insync-replicas", 0,
            0, Short.MAX_VALUE, "min.insync.replicas of those topics: 0 takes the brokers' default; 2 with 3 "
                    + "replicas keeps the router writing through one lost broker without ever acknowledging a write "
                    + "only one broker holds");

    public static final Setting<Duration> SESSION_TIMEOUT = Setting.duration("herald.router.session-timeout", "10s",
            Duration.ofSeconds(6), Duration.ofMinutes(5),
            "How long a router that stops responding (killed, frozen) keeps its tasks before another instance, or "
                    + "its own restart, takes them over: a killed router routes again after about this long. Shorter "
                    + "fails over sooner; a router paused longer than this (a long GC, a starved CPU) loses its tasks "
                    + "and restores them");
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.duration("herald.router.commit-interval",
            "100ms", Duration.ofMillis(5), Duration.ofMinutes(1),
            "How often the router commits its transaction (Kafka Streams' commit.interval.ms under exactly once): "
                    + "deliveries become visible to the deliverers only then, so each waits half of it on average. "
                    + "Shorter lowers latency and costs a transaction (and its markers on every partition written) "
                    + "more often");
    public static final Setting<Integer> OPS_PORT = Setting.integer("herald.router.ops-port", 9090, 0, 65_535,
            "Port of the router's operations endpoint: /metrics (Prometheus), /health/live, /health/ready");

    /** Every key the router reads, for documentation and startup logs. */
    public static final List<Setting<?>> SETTINGS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            CommonSettings.KAFKA_BOOTSTRAP_SERVERS, CommonSettings.REGISTRY_URL,
            CommonSettings.REGISTRY_USERNAME, CommonSettings.REGISTRY_PASSWORD, CommonSettings.REGISTRY_BEARER_TOKEN,
            APPLICATION_ID, STREAM_THREADS, STATE_DIR, REPLICATION_FACTOR, MIN_INSYNC_REPLICAS, AUTO_DISABLE,
            DISABLE_AFTER_FAILURES, DISABLE_AFTER, SESSION_TIMEOUT, COMMIT_INTERVAL, OPS_PORT,
            CommonSettings.LOG_FORMAT,
            CommonSettings.METRICS_TENANT_TAG),
            TracingSettings.SETTINGS.stream()).toList();

    /**
     * A router configured through its keys, for embedding and tests: every key at its default unless set, the
     * operations endpoint on any free port.
     */
    public static ConfigBuilder<RouterConfig> builder(String bootstrapServers, String registryUrl,
            String applicationId, Path stateDirectory) {
        return new ConfigBuilder<>(RouterConfig::from)
                .set(CommonSettings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers)
                .set(CommonSettings.REGISTRY_URL, registryUrl)
                .set(APPLICATION_ID, applicationId)
                .set(STATE_DIR, stateDirectory)
                .set(OPS_PORT, 0);
    }

    public static RouterConfig from(Settings settings) {
        settings.get(CommonSettings.LOG_FORMAT); // used by logback, not here: a wrong value still stops startup
        int replicas = settings.get(REPLICATION_FACTOR); // -1: the brokers' default, which the check can't know
        int minInSync = settings.minInSyncReplicas(MIN_INSYNC_REPLICAS, REPLICATION_FACTOR);
        return new RouterConfig(
                KafkaClients.from(settings),
                CommonSettings.registry(settings),
                settings.get(APPLICATION_ID),
                settings.get(STREAM_THREADS),
                Path.of(settings.get(STATE_DIR)),
                new EndpointHealthPolicy(settings.get(AUTO_DISABLE), settings.get(DISABLE_AFTER_FAILURES),
                        settings.get(DISABLE_AFTER)),
                settings.get(OPS_PORT),
                settings.get(CommonSettings.METRICS_TENANT_TAG),
                replicas,
                minInSync,
                settings.get(SESSION_TIMEOUT),
                settings.get(COMMIT_INTERVAL));
    }
}
