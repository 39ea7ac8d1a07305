package io.herald.ingest.http;

import io.micronaut.http.HttpStatus;
import java.util.List;

/** A request the API refuses; rendered as JSON with its status, a code, a message and the bad fields. */
public final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final List<FieldProblem> fields;
    /** Seconds a client should wait before trying again (Retry-After), or null for the handler's default. */
    private final Integer retryAfterSeconds;

    public ApiException(HttpStatus status, String code, String message, List<FieldProblem> fields) {
        this(status, code, message, fields, null);
    }

    private ApiException(HttpStatus status, String code, String message, List<FieldProblem> fields,
            Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.fields = List.copyOf(fields);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A 429 that says when to come back. */
    public static ApiException tooManyRequests(String code, String message, int retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, code, message, List.of(), retryAfterSeconds);
    }

    public static ApiException invalid(List<FieldProblem> fields) {
        return new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_webhook",
                fields.size() == 1 ? "1 field is invalid" : fields.size() + " fields are invalid", fields);
    }

    /** A query or body parameter that is not acceptable (outside a webhook definition). */
    public static ApiException badRequest(List<FieldProblem> fields) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request",
                fields.size() == 1 ? "1 parameter is invalid" : fields.size() + " parameters are invalid", fields);
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "not_found", what + " not found", List.of());
    }

    /** A change made against a version of the resource that is no longer the stored one (If-Match). */
    public static ApiException preconditionFailed(String message) {
        return new ApiException(HttpStatus.PRECONDITION_FAILED, "precondition_failed", message, List.of());
    }

    public static ApiException unauthorized() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized",
                "a valid API key is required: Authorization: Bearer <key>", List.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldProblem> fields() {
        return fields;
    }

    public java.util.Optional<Integer> retryAfterSeconds() {
        return java.util.Optional.ofNullable(retryAfterSeconds);
    }
}
