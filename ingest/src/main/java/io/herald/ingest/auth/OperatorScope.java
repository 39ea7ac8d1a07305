package io.herald.ingest.auth;

/**
 * The caller of an operator-only route, already authenticated as an operator ({@link OperatorScopeBinder}); such
 * routes live under {@code /api/v1/} and take one as an argument, marked {@code @Parameter(hidden = true)}.
 */
public record OperatorScope(Caller caller) {
}
