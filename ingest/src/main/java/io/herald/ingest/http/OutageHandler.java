package io.herald.ingest.http;

import io.herald.ingest.config.IngestSettings;
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
 * Kafka away or too slow, wherever in a request it shows (a send, a commit, a topic that can't be read in time:
 * {@link io.herald.runtime.store.TopicUnavailableException}): {@code 503} with {@code Retry-After}, never a 500. The
 * cause goes to the log; the client learns only that it should come back.
 */
@Produces
@Singleton
@Requires(env = IngestSettings.ENVIRONMENT)
final class OutageHandler implements ExceptionHandler<KafkaException, HttpResponse<ApiError>> {

    private static final Logger LOG = LoggerFactory.getLogger(OutageHandler.class);

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, KafkaException exception) {
        LOG.warn("{} {} answered 503: {}", request.getMethodName(), request.getPath(), exception.toString());
        return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(ApiExceptionHandler.RETRY_AFTER_SECONDS))
                .body(new ApiError("kafka_unavailable", "Kafka did not answer in time; try again shortly",
                        List.of()));
    }
}
