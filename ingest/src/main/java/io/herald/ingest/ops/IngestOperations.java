package io.herald.ingest.ops;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.ops.DependencyCheck;
import io.herald.runtime.ops.HeraldMeters;
import io.herald.runtime.ops.OpsServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The ingest service's operations endpoint, like the router's and the deliverer's: {@code /metrics},
 * {@code /health/live}, {@code /health/ready} (Kafka and the registry answer, and every transactional producer
 * can begin a transaction: an ingest that cannot publish is not ready). Counts the events that come in over
 * HTTP: {@code herald_ingest_events_total{result}} with result {@code published}, {@code duplicate} or
 * {@code rejected}, and the requests each transaction committed together; and times every API request by route and
 * status.
 */
public final class IngestOperations implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final DependencyCheck dependencies;
    private final OpsServer server;
    private final io.micrometer.core.instrument.DistributionSummary transactionRequests;
    /** Conditions of readiness besides the dependencies, each with what the 503 says while it is unmet. */
    private final List<Map.Entry<String, BooleanSupplier>> readiness = new CopyOnWriteArrayList<>();

    public IngestOperations(KafkaClients kafka, RegistryEndpoint schemaRegistry, int opsPort) {
        this.registry = HeraldMeters.registry("ingest");
        this.dependencies = DependencyCheck.start(kafka, schemaRegistry);
        this.server = OpsServer.start(opsPort, registry, this::ready, this::notReadyBecause);
        this.transactionRequests = io.micrometer.core.instrument.DistributionSummary.builder(
                "herald.ingest.transaction.requests").description("Requests whose events one Kafka transaction "
                + "committed").register(registry);
    }

    /** Adds a condition of readiness, such as a producer that can publish; {@code unmet} is the 503's reason. */
    public void requireReady(String unmet, BooleanSupplier check) {
        readiness.add(Map.entry(unmet, check));
    }

    boolean ready() {
        return dependencies.allUp() && readiness.stream().allMatch(condition -> condition.getValue().getAsBoolean());
    }

    /** The dependency that is down, else the first condition unmet. */
    private Optional<String> notReadyBecause() {
        return dependencies.reason().or(() -> readiness.stream().filter(c -> !c.getValue().getAsBoolean())
                .map(Map.Entry::getKey).findFirst());
    }

    /** Counts events that came in over HTTP by what became of them. */
    public void events(String result, int count) {
        Counter.builder("herald.ingest.events").description("Events posted over HTTP, by result")
                .tag("result", result).register(registry).increment(count);
    }

    /**
     * Counts one committed transaction of posted events by the requests it held:
     * {@code herald_ingest_transaction_requests} (count: transactions; sum: requests), how much concurrent requests
     * share commits.
     */
    public void transaction(int requests) {
        transactionRequests.record(requests);
    }

    /**
     * Times one API request: {@code herald_api_requests_seconds{route, method, status}}, whose count gives request
     * and error rates. The route is the matched template ({@code /t/{tenant}/api/v1/webhooks/{id}}), never the
     * path, so tenants and ids don't multiply the series.
     */
    public void request(String route, String method, int status, long nanos) {
        Timer.builder("herald.api.requests").description("Management and ingest API requests, by route and status")
                .tag("route", route).tag("method", method).tag("status", Integer.toString(status))
                .register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        dependencies.close();
        registry.close();
    }
}
