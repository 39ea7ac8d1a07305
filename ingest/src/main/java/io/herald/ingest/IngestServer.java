package io.herald.ingest;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.util.Map;

/**
 * The ingest HTTP service (Micronaut): the event catalog and health today; HTTP ingest and the webhook management
 * API build on it. Start it in-process (tests, the local launcher) or through {@link IngestMain}.
 */
public final class IngestServer implements AutoCloseable {

    private final ApplicationContext context;
    private final EmbeddedServer server;

    private IngestServer(ApplicationContext context, EmbeddedServer server) {
        this.context = context;
        this.server = server;
    }

    /** Starts on the given port (0 for a free one) with extra Micronaut properties. */
    public static IngestServer start(int port, Map<String, Object> properties) {
        ApplicationContext context = ApplicationContext.builder()
                .properties(Map.of("micronaut.server.port", port))
                .properties(properties)
                .start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        return new IngestServer(context, server);
    }

    public URI uri() {
        return server.getURI();
    }

    @Override
    public void close() {
        server.stop();
        context.close();
    }
}
