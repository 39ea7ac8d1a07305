package io.herald.runtime.ops;

import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.registry.RegistryUnavailableException;
import io.herald.schemas.registry.SchemaRegistryClient;
import io.herald.schemas.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether Kafka and the schema registry answer, checked every few seconds in the background, so that readiness
 * turns false when a broker is lost and true again when it is back.
 */
public final class DependencyCheck implements AutoCloseable {

    private static final Duration INTERVAL = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Admin admin;
    private final SchemaRegistryClient registry;
    private final ScheduledExecutorService checker = DaemonThreads.scheduler("dependency-check");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DependencyCheck.class);

    private final KafkaClients kafka;
    private final String registryUrl;
    private volatile boolean kafkaUp;
    private volatile String kafkaProblem;
    private volatile boolean registryUp;
    private volatile String registryProblem;
    private final java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();

    private DependencyCheck(KafkaClients kafka, RegistryEndpoint registry) {
        this.kafka = kafka;
        this.admin = kafka.admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
        this.registry = new SchemaRegistryClient(registry, TIMEOUT, 1, Duration.ZERO); // the next round retries
        this.registryUrl = registry.url();
    }

    /** Starts checking at once; the first answer comes within a few seconds. */
    public static DependencyCheck start(KafkaClients kafka, RegistryEndpoint registry) {
        DependencyCheck check = new DependencyCheck(kafka, registry);
        check.checker.scheduleWithFixedDelay(check::checkOnce, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return check;
    }

    public boolean kafkaUp() {
        return kafkaUp;
    }

    public boolean registryUp() {
        return registryUp;
    }

    public boolean allUp() {
        return kafkaUp && registryUp;
    }

    /** How many rounds of checks have finished; until the first, nothing is up. */
    public long rounds() {
        return rounds.get();
    }

    /** Why Kafka is not up when the reason is the operator's to fix (refused credentials); empty otherwise. */
    public Optional<String> kafkaProblem() {
        return Optional.ofNullable(kafkaProblem);
    }

    /** Why a dependency is not up when the operator must fix it (refused credentials); Kafka's first. */
    public Optional<String> problem() {
        String kafkaReason = kafkaProblem;
        return Optional.ofNullable(kafkaReason != null ? kafkaReason : registryProblem);
    }

    /**
     * Which dependency is down and why, for readiness: the operator's problem when there is one ({@link #problem}),
     * else which dependency does not answer; empty while both are up (or before the first round).
     */
    public Optional<String> reason() {
        Optional<String> problem = problem();
        if (problem.isPresent() || rounds.get() == 0) {
            return problem;
        }
        if (!kafkaUp) {
            return Optional.of("Kafka does not answer at " + kafka.bootstrapServers() + " (within " + TIMEOUT.toSeconds()
                    + " s)");
        }
        if (!registryUp) {
            return Optional.of("the schema registry does not answer at " + registryUrl + " (within "
                    + TIMEOUT.toSeconds() + " s)");
        }
        return Optional.empty();
    }

    private void checkOnce() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).nodes()
                    .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            kafkaUp = true;
            kafkaProblem = null;
        } catch (Exception e) {
            kafkaUp = false;
            String problem = kafka.refusal(e).orElse(null);
            if (problem != null && !problem.equals(kafkaProblem)) {
                LOG.error("Not ready: {}", problem); // once per new reason, not every round
            }
            kafkaProblem = problem;
        }
        try {
            registry.check();
            registryUp = true;
            registryProblem = null;
        } catch (RegistryUnavailableException e) {
            registryUp = false;
            registryProblem = null;
        } catch (SchemaRegistryException e) { // refused credentials or a wrong URL: the operator's to fix, so said
            registryUp = false;
            String problem = e.getMessage() + "; check " + (e.status() == 404 ? CommonSettings.REGISTRY_URL.name()
                    : CommonSettings.REGISTRY_USERNAME.name() + " and " + CommonSettings.REGISTRY_PASSWORD.name()
                    + ", or " + CommonSettings.REGISTRY_BEARER_TOKEN.name());
            if (!problem.equals(registryProblem)) {
                LOG.error("Not ready: {}", problem);
            }
            registryProblem = problem;
        } catch (RuntimeException e) {
            registryUp = false;
        }
        rounds.incrementAndGet();
    }

    @Override
    public void close() {
        checker.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
