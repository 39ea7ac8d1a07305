package io.herald.deliverer;

import io.herald.schemas.tracing.HeraldTracing;

import io.herald.deliverer.egress.EgressGuard;
import io.herald.deliverer.retry.RetryForwarder;
import io.herald.deliverer.retry.RetryPolicy;
import io.herald.deliverer.retry.FollowUpRouter;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.schemas.Topics;
import io.herald.runtime.ops.DependencyCheck;
import io.herald.runtime.ops.TopicBacklog;
import io.herald.runtime.ops.HeraldMeters;
import io.herald.runtime.ops.OpsServer;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.runtime.store.WebhookTable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliverer service: reads deliveries ({@code read_committed}), POSTs them signed, records every attempt.
 * Stateless: run as many as the deliveries topic has partitions.
 */
public final class HeraldDeliverer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeraldDeliverer.class);
    private static final Duration WEBHOOKS_LOAD_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEAD_LETTERS_REFRESH = Duration.ofSeconds(10);

    private final WebhookTable view;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final FollowUpRouter retries;
    private final RetryForwarder forwarder;
    private final DeliveryWorker worker;
    private final Operations operations;

    /** The metrics and health side of the deliverer. */
    private record Operations(PrometheusMeterRegistry registry, KafkaClientMetrics consumerMetrics,
            DependencyCheck dependencies, TopicBacklog deadLetters, OpsServer server, OtherDelivererGroups groups) {
    }

    private HeraldDeliverer(WebhookTable view, WebhookSender sender, AttemptRecorder recorder,
            FollowUpRouter retries, RetryForwarder forwarder, DeliveryWorker worker, Operations operations) {
        this.view = view;
        this.sender = sender;
        this.recorder = recorder;
        this.retries = retries;
        this.forwarder = forwarder;
        this.worker = worker;
        this.operations = operations;
    }

    /** A deliverer that records no spans but passes each event's trace context on to its webhook requests. */
    public static HeraldDeliverer start(DelivererConfig config) {
        return start(config, HeraldTracing.off());
    }

    /** A deliverer whose attempt spans go through {@code tracing} (not closed by the deliverer). */
    public static HeraldDeliverer start(DelivererConfig config, HeraldTracing tracing) {
        Clock clock = Clock.systemUTC();
        WebhookTable view;
        try { // the first read of Kafka: where refused credentials show
            view = WebhookTable.start(config.kafka(), config.registry(), config.groupId() + "-subscriptions",
                    WEBHOOKS_LOAD_TIMEOUT);
        } catch (RuntimeException e) {
            throw config.kafka().explained(e);
        }
        WebhookSender sender = new WebhookSender(config,
                new EgressGuard(new ForbiddenAddresses(config.allowedNetworks())), clock);
        AttemptRecorder recorder = new AttemptRecorder(config);
        FollowUpRouter retries = new FollowUpRouter(config.kafka(), config.registry(), clock, config.groupId());
        RetryForwarder forwarder = new RetryForwarder(config.kafka(), config.groupId(),
                config.sessionTimeout(), clock);
        forwarder.start();
        KafkaConsumer<String, Delivery> consumer = config.kafka().consumer(config.groupId() + OtherDelivererGroups.CLIENT_SUFFIX, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // A poll's worth past the in-flight limit at most: a quarter of it.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, Math.max(1, config.maxInFlight() / 4)),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) config.sessionTimeout().toMillis() / 3,
                // Incremental rebalances: a deliverer joining or leaving moves only the partitions that change owner.
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()),
                new StringDeserializer(), HeraldSerdes.<Delivery>valueDeserializer(config.registry()));
        PrometheusMeterRegistry registry = HeraldMeters.registry("deliverer");
        KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer); // lag per partition among them
        consumerMetrics.bindTo(registry);
        // One fast webhook may have a quarter of the deliverer's budget waiting for it; stuck ones none.
        EndpointGuard guard = new EndpointGuard(config.endpointLimits().maxInFlightPerWebhook(),
                config.maxInFlight() / 4,
                config.endpointLimits().circuitFailureThreshold(), config.endpointLimits().circuitOpenFor(),
                config.defaultTimeout(), clock);
        Gauge.builder("herald.circuits.open", guard::openCircuits)
                .description("Webhooks whose circuit is open in this deliverer").register(registry);
        DeliveryWorker worker = new DeliveryWorker(consumer,
                new DeliveryProcessor(view, new WebhookTargets(config.secretCipher()), sender, recorder, retries,
                        new RetryPolicy(config.maxRetryAfter(), new java.security.SecureRandom()),
                        config.retrySchedule(), guard, new EndpointRateLimiter(clock),
                        new DelivererMetrics(registry, config.tenantMetrics()), tracing, clock),
                config.maxInFlight(), guard, config.shutdownGrace());
        Thread thread = new Thread(worker, "delivery-worker");
        thread.start();
        DependencyCheck dependencies = DependencyCheck.start(config.kafka(), config.registry());
        TopicBacklog deadLetters = TopicBacklog.start(config.kafka(), Topics.DEAD_LETTERS,
                DEAD_LETTERS_REFRESH, registry, "herald.dead.letters",
                "Dead letters stored, all webhooks together (the same in every deliverer: aggregate with max)");
        OpsServer server = OpsServer.start(config.opsPort(), registry,
                () -> worker.isRunning() && dependencies.allUp(), dependencies::reason);
        LOG.info("Deliverer started in group {} against {}; operations endpoint on port {}", config.groupId(),
                config.kafka().bootstrapServers(), server.port());
        return new HeraldDeliverer(view, sender, recorder, retries, forwarder, worker,
                new Operations(registry, consumerMetrics, dependencies, deadLetters, server,
                        OtherDelivererGroups.watch(config.kafka(), config.groupId())));
    }

    /** Whether the delivery loop is polling: false once it stopped, for whatever reason. */
    public boolean isRunning() {
        return worker.isRunning();
    }

    /** The port of the operations endpoint (metrics, health). */
    public int opsPort() {
        return operations.server().port();
    }

    /** Stops polling, lets in-flight deliveries finish (up to a grace period), commits, and releases resources. */
    @Override
    public void close() {
        worker.stop();
        try {
            if (!worker.awaitStopped(worker.shutdownGrace().plusSeconds(10))) {
                LOG.warn("Delivery worker did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forwarder.close();
        retries.close();
        recorder.close();
        sender.close();
        view.close();
        operations.groups().close();
        operations.server().close();
        operations.dependencies().close();
        operations.deadLetters().close();
        operations.consumerMetrics().close();
        operations.registry().close();
        LOG.info("Deliverer stopped");
    }
}
