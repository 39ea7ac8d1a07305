package io.herald.ingest;

import io.herald.ingest.config.IngestSettings;
import io.herald.ingest.ops.IngestOperations;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.util.Map;

/**
 * The ingest HTTP service (Micronaut): the webhook management API, the event catalog and health. Start it in-process (tests, the local launcher) or through {@link IngestMain}.
 */
public final class IngestServer implements AutoCloseable {

    /** The Micronaut environment that enables the ingest service's beans. */
    public static final String ENVIRONMENT = IngestSettings.ENVIRONMENT;

    private final ApplicationContext context;
    private final EmbeddedServer server;

    private IngestServer(ApplicationContext context, EmbeddedServer server) {
        this.context = context;
        this.server = server;
    }

    /** Starts on the given port (0 for a free one) with extra Micronaut properties. */
    public static IngestServer start(int port, Map<String, Object> properties) {
        ApplicationContext context = ApplicationContext.builder()
                .environments(ENVIRONMENT)
                .deduceEnvironment(false)
                .properties(Map.of(IngestSettings.PORT.name(), port))
                .properties(properties)
                .start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        return new IngestServer(context, server);
    }

    public URI uri() {
        return server.getURI();
    }

    /** The port of the operations endpoint (metrics, health). */
    public int opsPort() {
        return context.getBean(IngestOperations.class).port();
    }

    /** One of the service's beans, for tests that need to reach behind the HTTP API. */
    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        server.stop();
        context.close();
    }
}
