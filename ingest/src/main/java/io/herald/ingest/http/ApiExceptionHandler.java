package io.herald.ingest.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * Renders {@link ApiException}s as {@link ApiError} JSON with their status; a 503 or 429 also says when to try
 * again ({@code Retry-After}, in seconds).
 */
@Produces
@Singleton
@Requires(classes = {ApiException.class, ExceptionHandler.class})
public class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<ApiError>> {

    /** What a client that is told to come back later waits, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    @Override
    public HttpResponse<ApiError> handle(HttpRequest request, ApiException exception) {
        MutableHttpResponse<ApiError> response = HttpResponse.<ApiError>status(exception.status())
                .body(new ApiError(exception.code(), exception.getMessage(), exception.fields()));
        HttpStatus status = exception.status();
        if (status == HttpStatus.SERVICE_UNAVAILABLE || status == HttpStatus.TOO_MANY_REQUESTS) {
            response.header(HttpHeaders.RETRY_AFTER,
                    Integer.toString(exception.retryAfterSeconds().orElse(RETRY_AFTER_SECONDS)));
        }
        return response;
    }
}
