package io.herald.deliverer;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.deliverer.egress.EgressProxy;
import io.herald.deliverer.egress.NoProxy;
import io.herald.deliverer.retry.RetrySchedule;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.ConfigBuilder;
import io.herald.runtime.config.ConfigException;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.config.Setting;
import io.herald.runtime.config.Settings;
import io.herald.runtime.tracing.TracingSettings;
import io.herald.runtime.security.SecretCipher;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The deliverer's configuration, validated at startup.
 *
 * @param groupId consumer group shared by every deliverer instance; partitions are spread over them
 * @param maxInFlight deliveries under way at once in this instance; polling pauses at the limit
 * @param defaultTimeout per-attempt timeout for webhooks that don't set their own
 * @param connectTimeout time to establish a connection, within the attempt timeout
 * @param allowedNetworks networks reachable although forbidden by default (see {@code ForbiddenAddresses})
 * @param trustStore CAs that endpoint certificates must chain to, instead of the JDK's; TLS is always verified
 * @param egressProxy the HTTP proxy webhook traffic goes through, if any
 * @param retrySchedule delays before each retry for webhooks without their own, and the jitter
 * @param maxRetryAfter the longest wait an endpoint's Retry-After can ask for
 * @param endpointLimits per-webhook in-flight limit and circuit breaker
 * @param sessionTimeout how long a silent deliverer keeps its partitions before the group hands them on
 * @param opsPort port of the operations endpoint (metrics, health); 0 for any free port
 * @param shutdownGrace how long a stopping deliverer waits for deliveries under way before handing the rest back
 * @param tenantMetrics whether delivery counters carry a tenant label (only where tenants are few)
 */
public record DelivererConfig(
        KafkaClients kafka,
        RegistryEndpoint registry,
        SecretCipher secretCipher,
        String groupId,
        int maxInFlight,
        Duration defaultTimeout,
        Duration connectTimeout,
        List<Cidr> allowedNetworks,
        Optional<TrustStore> trustStore,
        Optional<EgressProxy> egressProxy,
        RetrySchedule retrySchedule,
        Duration maxRetryAfter,
        EndpointLimits endpointLimits,
        Duration sessionTimeout,
        int opsPort,
        Duration shutdownGrace,
        boolean tenantMetrics) {

    /**
     * What keeps one endpoint from holding up others.
     *
     * @param maxInFlightPerWebhook requests to one webhook under way at once in this deliverer
     * @param circuitFailureThreshold consecutive failures that open a webhook's circuit
     * @param circuitOpenFor how long an open circuit sends deliveries straight to the retry path
     */
    public record EndpointLimits(int maxInFlightPerWebhook, int circuitFailureThreshold, Duration circuitOpenFor) {
    }

    /** A PKCS12 (or JKS) file of trusted CA certificates. */
    public record TrustStore(Path path, String password) {
        @Override
        public String toString() {
            return "TrustStore[" + path + "]";
        }
    }

    public DelivererConfig {
        allowedNetworks = List.copyOf(allowedNetworks);
    }

    /**
     * A deliverer configured through its keys, for embedding and tests: every key at its default unless set, the
     * operations endpoint on any free port.
     */
    public static ConfigBuilder<DelivererConfig> builder(String bootstrapServers, String registryUrl, String keyRing) {
        return new ConfigBuilder<>(DelivererConfig::from)
                .set(CommonSettings.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers)
                .set(CommonSettings.REGISTRY_URL, registryUrl)
                .set(CommonSettings.SECRET_KEYS, keyRing)
                .set(OPS_PORT, 0);
    }

    public static final Setting<String> GROUP_ID = Setting.text("herald.deliverer.group-id", "herald-deliverer",
            "Consumer group of the deliverers");
    public static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("herald.deliverer.max-in-flight", 2048, 1,
            100_000, "Deliveries under way at once per deliverer instance (sending, waiting for a slot, or having "
                    + "their attempt recorded); a few KiB of memory each");
    public static final Setting<Duration> DEFAULT_TIMEOUT = Setting.duration("herald.deliverer.default-timeout",
            "30s", Duration.ofMillis(100), Duration.ofMinutes(1), "Per-attempt timeout for webhooks without their own");
    public static final Setting<Duration> CONNECT_TIMEOUT = Setting.duration("herald.deliverer.connect-timeout",
            "5s", Duration.ofMillis(100), Duration.ofMinutes(1), "Time to establish a connection, within the attempt "
                    + "timeout");

    public static final Setting<Optional<String>> TRUST_STORE = Setting.optionalText(
            "herald.deliverer.tls.trust-store", "PKCS12 file of the CA certificates endpoint certificates must chain "
                    + "to, replacing the JDK's CAs (e.g. an internal CA); unset: the JDK's CAs. TLS is always verified",
            false);
    public static final Setting<Optional<String>> TRUST_STORE_PASSWORD = Setting.optionalText(
            "herald.deliverer.tls.trust-store-password", "Password of the trust store, if it has one", true);

    public static final Setting<Optional<String>> EGRESS_PROXY = Setting.optionalText("herald.deliverer.egress.proxy",
            "HTTP proxy for all webhook traffic, http://host:port (CONNECT is used for every request); unset: direct",
            false);
    public static final Setting<Optional<String>> NO_PROXY = Setting.optionalText("herald.deliverer.egress.no-proxy",
            "Hosts reached without the proxy: names, domain suffixes, IPs or CIDRs, comma-separated; * for all",
            false);

    public static final Setting<List<Duration>> RETRY_SCHEDULE = Setting.retryDelays("herald.deliverer.retry.schedule",
            "standard", "Delays before each retry: a preset (standard: 1m,5m,15m,40m = 5 attempts in about an hour; "
                    + "extended: 5s,5m,30m,2h,5h,10h,10h) or a list such as 30s,2m,10m; webhooks can have their own "
                    + "(the same rules)");
    public static final Setting<Integer> RETRY_JITTER_PERCENT = Setting.integer("herald.deliverer.retry.jitter-percent",
            20, 0, 50, "Each retry delay moves randomly up or down by at most this percentage");
    public static final Setting<Duration> MAX_RETRY_AFTER = Setting.duration("herald.deliverer.retry.max-retry-after",
            "1h", Duration.ofSeconds(1), Duration.ofDays(1),
            "The longest wait an endpoint's Retry-After header can impose on a retry");

    public static final Setting<Integer> MAX_IN_FLIGHT_PER_WEBHOOK = Setting.integer(
            "herald.deliverer.max-in-flight-per-webhook", 16, 1, 10_000,
            "Requests to one webhook under way at once per deliverer; more wait in the deliverer as long as the "
                    + "webhook answers them within about 5 s, the rest on the retry path");
    public static final Setting<Integer> CIRCUIT_FAILURES = Setting.integer(
            "herald.deliverer.circuit.failure-threshold", 5, 1, 1_000,
            "Consecutive failures after which a webhook's circuit opens (deliveries go to the retry path unsent)");
    public static final Setting<Duration> CIRCUIT_OPEN_FOR = Setting.duration("herald.deliverer.circuit.open-for",
            "30s", Duration.ofSeconds(1), Duration.ofHours(1),
            "How long an open circuit lasts before one trial request may close it (doubled after each failed trial, "
                    + "up to 10 times)");

    public static final Setting<Duration> SHUTDOWN_GRACE = Setting.duration("herald.deliverer.shutdown-grace",
            "20s", Duration.ZERO, Duration.ofMinutes(10),
            "On SIGTERM, how long deliveries under way may take to finish; those that don't are left uncommitted "
                    + "and redone by another deliverer (keep it under the pod's terminationGracePeriodSeconds)");
    public static final Setting<Duration> SESSION_TIMEOUT = Setting.duration("herald.deliverer.session-timeout",
            "6s", Duration.ofSeconds(6), Duration.ofMinutes(5),
            "How long a deliverer that stops responding (killed, frozen) keeps its partitions before the others take "
                    + "them over: deliveries of those partitions pause about this long (6 s is the broker's least "
                    + "by default, group.min.session.timeout.ms). Shorter fails over sooner; a deliverer paused "
                    + "longer than this (a long GC, a starved CPU) loses its partitions and some deliveries are sent "
                    + "twice");

    public static final Setting<Integer> OPS_PORT = Setting.integer("herald.deliverer.ops-port", 9090, 0, 65_535,
            "Port of the deliverer's operations endpoint: /metrics (Prometheus), /health/live, /health/ready");

    /** Every key the deliverer reads. */
    public static final List<Setting<?>> SETTINGS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            CommonSettings.KAFKA_BOOTSTRAP_SERVERS, CommonSettings.REGISTRY_URL,
            CommonSettings.REGISTRY_USERNAME, CommonSettings.REGISTRY_PASSWORD, CommonSettings.REGISTRY_BEARER_TOKEN,
            CommonSettings.SECRET_KEYS, GROUP_ID,
            MAX_IN_FLIGHT, DEFAULT_TIMEOUT, CONNECT_TIMEOUT, CommonSettings.EGRESS_ALLOWED_NETWORKS, TRUST_STORE,
            TRUST_STORE_PASSWORD, EGRESS_PROXY, NO_PROXY, RETRY_SCHEDULE, RETRY_JITTER_PERCENT, MAX_RETRY_AFTER,
            MAX_IN_FLIGHT_PER_WEBHOOK, CIRCUIT_FAILURES, CIRCUIT_OPEN_FOR, SESSION_TIMEOUT, SHUTDOWN_GRACE, OPS_PORT,
            CommonSettings.LOG_FORMAT,
            CommonSettings.METRICS_TENANT_TAG), TracingSettings.SETTINGS.stream()).toList();

    public static DelivererConfig from(Settings settings) {
        settings.get(CommonSettings.LOG_FORMAT); // used by logback, not here: a wrong value still stops startup
        return new DelivererConfig(
                KafkaClients.from(settings),
                CommonSettings.registry(settings),
                cipher(settings.get(CommonSettings.SECRET_KEYS)),
                settings.get(GROUP_ID),
                settings.get(MAX_IN_FLIGHT),
                settings.get(DEFAULT_TIMEOUT),
                settings.get(CONNECT_TIMEOUT),
                settings.get(CommonSettings.EGRESS_ALLOWED_NETWORKS),
                settings.get(TRUST_STORE).map(path -> new TrustStore(Path.of(path),
                        settings.get(TRUST_STORE_PASSWORD).orElse(null))),
                settings.get(EGRESS_PROXY).map(url -> proxy(url, settings.get(NO_PROXY).orElse(""))),
                new RetrySchedule(settings.get(RETRY_SCHEDULE), settings.get(RETRY_JITTER_PERCENT) / 100.0),
                settings.get(MAX_RETRY_AFTER),
                new EndpointLimits(settings.get(MAX_IN_FLIGHT_PER_WEBHOOK), settings.get(CIRCUIT_FAILURES),
                        settings.get(CIRCUIT_OPEN_FOR)),
                settings.get(SESSION_TIMEOUT), settings.get(OPS_PORT),
                settings.get(SHUTDOWN_GRACE),
                settings.get(CommonSettings.METRICS_TENANT_TAG));
    }

    private static SecretCipher cipher(String keyRing) {
        try {
            return SecretCipher.fromKeyRing(keyRing);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CommonSettings.SECRET_KEYS.name() + ": " + e.getMessage());
        }
    }

    private static EgressProxy proxy(String url, String noProxy) {
        try {
            return EgressProxy.of(url, NoProxy.parse(noProxy));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(EGRESS_PROXY.name() + ": " + e.getMessage());
        }
    }
}
