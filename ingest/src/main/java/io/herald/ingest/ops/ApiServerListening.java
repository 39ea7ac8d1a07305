package io.herald.ingest.ops;

import io.herald.ingest.config.IngestSettings;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A condition of readiness: the API's HTTP server is listening. The operations server and the Kafka views are up
 * before the API server binds its port; a load balancer told "ready" then would have its first requests refused.
 */
@Requires(env = IngestSettings.ENVIRONMENT) // on a classpath shared with other services, theirs alone
@Context // eager: the condition must count from the start, not from when the server says it listens
public class ApiServerListening {

    private final AtomicBoolean listening = new AtomicBoolean();

    public ApiServerListening(IngestOperations operations) {
        operations.requireReady("the API server is not listening yet", listening::get);
    }

    @Requires(env = IngestSettings.ENVIRONMENT)
    @Singleton
    static class OnStartup implements ApplicationEventListener<ServerStartupEvent> {
        private final ApiServerListening condition;

        OnStartup(ApiServerListening condition) {
            this.condition = condition;
        }

        @Override
        public void onApplicationEvent(ServerStartupEvent event) {
            condition.listening.set(true);
        }
    }
}
