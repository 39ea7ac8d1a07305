package io.herald.runtime.ops;

import io.herald.runtime.kafka.KafkaClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI registryInfo;
    private final ScheduledExecutorService checker = DaemonThreads.scheduler("dependency-check");
    private volatile boolean kafkaUp;
    private volatile boolean registryUp;
    private final java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();

    private DependencyCheck(KafkaClients kafka, String registryUrl) {
        this.admin = kafka.admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
        this.registryInfo = URI.create(registryUrl + "/system/info");
    }

    /** Starts checking at once; the first answer comes within a few seconds. */
    public static DependencyCheck start(KafkaClients kafka, String registryUrl) {
        DependencyCheck check = new DependencyCheck(kafka, registryUrl);
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

    private void checkOnce() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis())).nodes()
                    .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            kafkaUp = true;
        } catch (Exception e) {
            kafkaUp = false;
        }
        try {
            registryUp = http.send(HttpRequest.newBuilder(registryInfo).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
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
