package io.herald.ingest.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ConversionErrorHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.JsonExceptionHandler;
import io.micronaut.json.JsonSyntaxException;
import io.micronaut.serde.exceptions.InvalidPropertyFormatException;
import jakarta.inject.Singleton;
import java.util.List;

/** Bodies that are not JSON, or whose fields have the wrong type, answered in Herald's error shape. */
final class BadBodyHandlers {

    private BadBodyHandlers() {
    }

    @Produces
    @Singleton
    @Replaces(JsonExceptionHandler.class)
    static class MalformedJson implements ExceptionHandler<JsonSyntaxException, HttpResponse<ApiError>> {

        @Override
        public HttpResponse<ApiError> handle(HttpRequest request, JsonSyntaxException exception) {
            return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).body(new ApiError("malformed_json",
                    "the body is not valid JSON: " + firstLine(exception.getMessage()), List.of()));
        }
    }

    @Produces
    @Singleton
    @Replaces(ConversionErrorHandler.class)
    static class WrongType implements ExceptionHandler<ConversionErrorException, HttpResponse<ApiError>> {

        @Override
        public HttpResponse<ApiError> handle(HttpRequest request, ConversionErrorException exception) {
            String field = exception.getArgument().getName();
            String reason = firstLine(exception.getMessage());
            for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
                if (cause instanceof InvalidPropertyFormatException property) {
                    field = property.getArgument().getName(); // the JSON property that failed
                }
                reason = firstLine(String.valueOf(cause.getMessage()));
            }
            return HttpResponse.<ApiError>status(HttpStatus.BAD_REQUEST).body(new ApiError("malformed_request",
                    "a field has the wrong type", List.of(new FieldProblem(field, "has the wrong type: " + reason))));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).trim();
    }
}
