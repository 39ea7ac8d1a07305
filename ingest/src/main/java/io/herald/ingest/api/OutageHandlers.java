package io.herald.ingest.api;

import io.herald.ingest.IngestServer;
import io.herald.schemas.store.TopicUnavailableException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka away or too slow, wherever in a request it shows: {@code 503} with {@code Retry-After}, never a 500. The
 * cause goes to the log; the client learns only that it should come back.
 */
final class OutageHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(OutageHandlers.class);

    private OutageHandlers() {
    }

    static HttpResponse<ApiError> unavailable(HttpRequest<?> request, RuntimeException cause) {
        LOG.warn("{} {} answered 503: {}", request.getMethodName(), request.getPath(), cause.toString());
        return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(ApiExceptionHandler.RETRY_AFTER_SECONDS))
                .body(new ApiError("kafka_unavailable", "Kafka did not answer in time; try again shortly",
                        List.of()));
    }

    @Produces
    @Singleton
    @Requires(env = IngestServer.ENVIRONMENT)
    static final class TopicUnreadable implements ExceptionHandler<TopicUnavailableException, HttpResponse<ApiError>> {

        @Override
        public HttpResponse<ApiError> handle(HttpRequest request, TopicUnavailableException exception) {
            return unavailable(request, exception);
        }
    }

    @Produces
    @Singleton
    @Requires(env = IngestServer.ENVIRONMENT)
    static final class KafkaFailed implements ExceptionHandler<KafkaException, HttpResponse<ApiError>> {

        @Override
        public HttpResponse<ApiError> handle(HttpRequest request, KafkaException exception) {
            return unavailable(request, exception);
        }
    }
}
