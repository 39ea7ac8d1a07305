package io.herald.ingest.auth;

import java.net.URI;

/**
 * How tenant JWTs issued by the IAM platform are checked: signed by a key of the JWKS at {@code jwksUrl}, issued by
 * {@code issuer} for {@code audience}, not expired, naming the tenant in {@code tenantClaim}; a token whose
 * {@code scope} (or {@code scp}) holds {@code adminScope} may change things, any other only read.
 */
public record JwtConfig(URI jwksUrl, String issuer, String audience, String tenantClaim, String adminScope) {
}
