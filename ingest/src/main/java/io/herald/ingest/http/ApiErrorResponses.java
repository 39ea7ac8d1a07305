package io.herald.ingest.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.herald.ingest.config.IngestSettings;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every error the HTTP framework answers by itself (no route, wrong method or media type, a body too large, an
 * argument it could not bind, an exception nobody handled) in Herald's shape, {@link ApiError}. A server error
 * never shows its exception's text: that goes to the log, the client learns only that it was Herald's fault.
 */
@Singleton
@Requires(env = IngestSettings.ENVIRONMENT)
final class ApiErrorResponses implements ErrorResponseProcessor<ApiError> {

    private static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(400, "invalid_request"),
            Map.entry(401, "unauthorized"),
            Map.entry(403, "forbidden"),
            Map.entry(404, "not_found"),
            Map.entry(405, "method_not_allowed"),
            Map.entry(406, "not_acceptable"),
            Map.entry(409, "conflict"),
            Map.entry(413, "request_too_large"),
            Map.entry(414, "uri_too_long"),
            Map.entry(415, "unsupported_media_type"),
            Map.entry(431, "headers_too_large"));

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<ApiError> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return (MutableHttpResponse<ApiError>) response;
        }
        return ((MutableHttpResponse<ApiError>) response).body(body(response.status(), context.getErrors()))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    static ApiError body(HttpStatus status, List<Error> errors) {
        int code = status.getCode();
        if (code == 503) {
            return new ApiError("unavailable", "Herald cannot answer right now; try again shortly", List.of());
        }
        if (code >= 500) {
            return new ApiError("internal_error", "Herald failed to answer this request; the error was logged. "
                    + "Try again; if it persists, tell the operator the time of the request", List.of());
        }
        String name = CODES.getOrDefault(code, status.getReason().toLowerCase(Locale.ROOT).replace(' ', '_'));
        List<FieldProblem> fields = errors.stream()
                .filter(error -> error.getPath().isPresent())
                .map(error -> new FieldProblem(fieldName(error.getPath().get()), error.getMessage()))
                .toList();
        String message = errors.isEmpty() ? status.getReason()
                : String.join("; ", errors.stream().map(Error::getMessage).toList());
        return new ApiError(name, message, fields);
    }

    /** Micronaut names a bound argument {@code /input}; clients know it as the body or the query parameter. */
    private static String fieldName(String path) {
        String name = path.startsWith("/") ? path.substring(1) : path;
        return name.equals("input") || name.equals("body") ? "body" : name;
    }
}
