package io.herald.ingest;

import io.herald.ingest.http.ApiError;
import io.herald.ingest.http.FieldProblem;
import io.herald.ingest.config.IngestConfig;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.server.HttpServerConfiguration;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Request bodies have a size limit per kind of call: event ingest ({@code herald.ingest.max-event-request-bytes})
 * and the management API ({@code herald.ingest.max-request-bytes}). A declared length over the limit is answered
 * 413 before the body is read; a body sent without a length is cut off by the server at the larger of the two.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(env = IngestServer.ENVIRONMENT)
final class RequestSizeLimits {

    private static final Pattern EVENT_INGEST = Pattern.compile("/t/[^/]+/api/v1/events/?");

    private final IngestConfig config;

    RequestSizeLimits(IngestConfig config) {
        this.config = config;
    }

    @RequestFilter
    @Nullable
    HttpResponse<ApiError> refuseTooLarge(HttpRequest<?> request) {
        long length = request.getContentLength();
        long limit = EVENT_INGEST.matcher(request.getPath()).matches() ? config.maxEventRequestBytes()
                : config.maxRequestBytes();
        if (length <= limit) {
            return null; // unknown (-1) or within the limit: the request goes on
        }
        return HttpResponse.<ApiError>status(HttpStatus.REQUEST_ENTITY_TOO_LARGE).body(new ApiError(
                "request_too_large", "the body is " + length + " bytes; this call accepts at most " + limit,
                List.of(new FieldProblem("body", "must be at most " + limit + " bytes"))));
    }

    /**
     * The HTTP server's settings that Herald's keys define (one definition each, no second default in Micronaut's
     * configuration): its port ({@code herald.ingest.port}) and its own body limit, for bodies without a declared
     * length, the larger of the two above.
     */
    @Singleton
    @Requires(env = IngestServer.ENVIRONMENT)
    static final class ServerSettings implements BeanCreatedEventListener<HttpServerConfiguration> {

        private final IngestConfig config;

        ServerSettings(IngestConfig config) {
            this.config = config;
        }

        @Override
        public HttpServerConfiguration onCreated(BeanCreatedEvent<HttpServerConfiguration> event) {
            HttpServerConfiguration server = event.getBean();
            server.setPort(config.port());
            server.setMaxRequestSize(Math.max(config.maxRequestBytes(), config.maxEventRequestBytes()));
            return server;
        }
    }
}
