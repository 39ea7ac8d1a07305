package io.herald.ingest.auth;

/**
 * The tenant a request acts for and who is calling, already authenticated and allowed to act for that tenant. A
 * route under {@code /t/{tenant}/} takes one as an argument ({@link TenantScopeBinder} makes it, from the
 * {@code Authorization} header and the path); no route checks keys by hand (IngestServerIT checks every route).
 * Routes mark it {@code @Parameter(hidden = true)}: the API document shows the path's {@code tenant} and the bearer
 * key instead.
 */
public record TenantScope(String tenant, Caller caller) {
}
