package io.herald.ingest;

import io.herald.schemas.ops.DependencyCheck;
import io.herald.schemas.ops.HeraldMeters;
import io.herald.schemas.ops.OpsServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The ingest service's operations endpoint, like the router's and the deliverer's: {@code /metrics},
 * {@code /health/live}, {@code /health/ready} (Kafka and the registry answer). Counts the events that come in over
 * HTTP: {@code herald_ingest_events_total{result}} with result {@code published}, {@code duplicate} or
 * {@code rejected}.
 */
public final class IngestOperations implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final DependencyCheck dependencies;
    private final OpsServer server;

    IngestOperations(IngestConfig config) {
        this.registry = HeraldMeters.registry("ingest");
        this.dependencies = DependencyCheck.start(config.bootstrapServers(), config.registryUrl());
        this.server = OpsServer.start(config.opsPort(), registry, dependencies::allUp);
    }

    /** Counts events that came in over HTTP by what became of them. */
    public void events(String result, int count) {
        Counter.builder("herald.ingest.events").description("Events posted over HTTP, by result")
                .tag("result", result).register(registry).increment(count);
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
