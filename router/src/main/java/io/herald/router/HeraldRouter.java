package io.herald.router;

import java.util.Map;
import io.herald.schemas.tracing.HeraldTracing;

import io.herald.schemas.webhook.Webhook;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Properties;
import io.herald.router.quarantine.EventQuarantine;
import io.herald.runtime.ops.DependencyCheck;
import io.herald.runtime.ops.HeraldMeters;
import io.herald.runtime.ops.OpsServer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.herald.schemas.WebhookKeys;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The router service: runs {@link RouterTopology} with exactly-once processing. Start it, then close it. */
public final class HeraldRouter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeraldRouter.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final PrometheusMeterRegistry registry;
    private final KafkaStreamsMetrics streamsMetrics;
    private final DependencyCheck dependencies;
    private final OpsServer ops;

    private HeraldRouter(KafkaStreams streams, PrometheusMeterRegistry registry, KafkaStreamsMetrics streamsMetrics,
            DependencyCheck dependencies, OpsServer ops) {
        this.streams = streams;
        this.registry = registry;
        this.streamsMetrics = streamsMetrics;
        this.dependencies = dependencies;
        this.ops = ops;
    }

    /** A router that records no spans but passes its producers' trace context on to the deliveries. */
    public static HeraldRouter start(RouterConfig config) {
        return start(config, HeraldTracing.off());
    }

    /** A router whose route spans go through {@code tracing} (not closed by the router). */
    public static HeraldRouter start(RouterConfig config, HeraldTracing tracing) {
        PrometheusMeterRegistry registry = HeraldMeters.registry("router");
        RouterMetrics metrics = new RouterMetrics(registry, config.tenantMetrics());
        var topology = RouterTopology.build(RouterSerdes.registry(config.registry()), config.health(), metrics,
                tracing, Clock.systemUTC());
        Properties props = streamsProperties(config);
        props.put(RouterMetrics.CONFIG_KEY, metrics); // for the quarantine handler, which Streams instantiates
        KafkaStreams streams = new KafkaStreams(topology, props);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams); // lag, process rates, ...
        streamsMetrics.bindTo(registry);
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("Router stream thread failed; replacing it", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        try {
            streams.start(); // waits for the global webhook store's first read: refused credentials fail here
        } catch (RuntimeException e) {
            streams.close(Duration.ofSeconds(5));
            streamsMetrics.close();
            registry.close();
            throw config.kafka().explained(e); // which keys to fix, never the secret
        }
        DependencyCheck dependencies = DependencyCheck.start(config.kafka(), config.registry());
        OpsServer ops = OpsServer.start(config.opsPort(), registry,
                () -> streams.state() == KafkaStreams.State.RUNNING && dependencies.allUp(),
                dependencies::reason);
        LOG.info("Router {} started against {}; operations endpoint on port {}", config.applicationId(),
                config.kafka().bootstrapServers(), ops.port());
        return new HeraldRouter(streams, registry, streamsMetrics, dependencies, ops);
    }

    /** Exactly once (KafkaClients applies it), and what routing needs besides. */
    static Properties streamsProperties(RouterConfig config) {
        Map<String, Object> internalTopics = new java.util.HashMap<>();
        internalTopics.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        if (config.minInSyncReplicas() > 0) {
            internalTopics.put(StreamsConfig.topicPrefix(org.apache.kafka.common.config.TopicConfig
                    .MIN_IN_SYNC_REPLICAS_CONFIG), config.minInSyncReplicas());
        }
        Properties props = config.kafka().streams(config.applicationId(), Map.of(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads(),
                StreamsConfig.STATE_DIR_CONFIG, config.stateDirectory().toString(),
                // A task reads partition N of every event topic; events of different topics need no common time
                // order, so it routes whatever is buffered instead of waiting on the empty topics (and building a
                // trace log of why).
                StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L,
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis(),
                // A killed router's tasks move after the session timeout (Kafka's 45 s by default).
                StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                (int) config.sessionTimeout().toMillis(),
                StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
                (int) config.sessionTimeout().toMillis() / 3,
                // A record that can't be routed goes to iam.events.rejected; it never stops routing for every tenant.
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, EventQuarantine.class,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, EventQuarantine.class));
        props.putAll(internalTopics);
        return props;
    }

    /**
     * Whether the router's webhook store holds this webhook yet: events published after this returns true
     * are routed with it in view. False while the router is not running.
     */
    public boolean knowsWebhook(String tenant, String webhookId) {
        return knownVersion(tenant, webhookId).isPresent();
    }

    /**
     * The version of a webhook the router routes with, empty if it doesn't know the webhook (or it was deleted, or
     * the router is not running). Events published once this reaches a version are routed with that version.
     */
    public OptionalLong knownVersion(String tenant, String webhookId) {
        if (!isRunning()) {
            return OptionalLong.empty();
        }
        ReadOnlyKeyValueStore<String, ValueAndTimestamp<Webhook>> store = streams.store(
                StoreQueryParameters.fromNameAndType(RouterTopology.WEBHOOKS_STORE,
                        QueryableStoreTypes.timestampedKeyValueStore()));
        ValueAndTimestamp<Webhook> stored = store.get(WebhookKeys.of(tenant, webhookId));
        return stored == null || stored.value() == null ? OptionalLong.empty()
                : OptionalLong.of(stored.value().getVersion());
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Whether the router is processing (its global webhook store restored and tasks assigned). */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The port of the operations endpoint (metrics, health). */
    public int opsPort() {
        return ops.port();
    }

    @Override
    public void close() {
        ops.close();
        streams.close(CLOSE_TIMEOUT);
        dependencies.close();
        streamsMetrics.close();
        registry.close();
        LOG.info("Router stopped");
    }
}
