package io.herald.ingest.auth;

import io.herald.ingest.http.ApiException;
import io.herald.schemas.Tenants;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import java.util.List;
import java.util.Optional;

/**
 * Resolves the caller of a request from {@code Authorization: Bearer <credential>} (or {@code X-Api-Key}): a
 * configured key ({@code herald.ingest.api-keys}, operators' bootstrap keys among them), a tenant key created through
 * the operator API ({@link TenantKeys}), or, when configured, a JWT of the IAM platform ({@link JwtAuthenticator}).
 * A credential of another tenant gets a 404, as if the tenant didn't exist; a read-only one gets a 403 on anything
 * but a read.
 */
public class ApiAuthenticator {

    private final ApiKeys configured;
    private final TenantKeys created;
    private final JwtAuthenticator tokens;

    /** @param tokens checks the IAM platform's JWTs, or null when none are accepted */
    public ApiAuthenticator(ApiKeys configured, TenantKeys created, JwtAuthenticator tokens) {
        this.configured = configured;
        this.created = created;
        this.tokens = tokens;
    }

    /** The caller, allowed to make this request for this tenant. */
    public Caller authorize(HttpRequest<?> request, String tenant) {
        Caller caller = identify(request).orElseThrow(ApiException::unauthorized);
        if (!caller.mayAccess(tenant) || !Tenants.isValid(tenant)) {
            throw ApiException.notFound("tenant " + tenant);
        }
        if (caller.scope() != KeyScope.ADMIN && !KeyScope.isRead(request.getMethodName())) {
            throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "the credential " + caller.keyName()
                    + " is read-only: it may read, not " + request.getMethodName(), List.of());
        }
        return caller;
    }

    /** The caller of an operator-only request: an operator key, else 401 (no valid credential) or 403. */
    public Caller authorizeOperator(HttpRequest<?> request) {
        Caller caller = identify(request).orElseThrow(ApiException::unauthorized);
        if (!caller.isOperator()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "forbidden",
                    "only an operator key (herald.ingest.api-keys, tenant *) may do this", List.of());
        }
        return caller;
    }

    private Optional<Caller> identify(HttpRequest<?> request) {
        String authorization = request.getHeaders().get("Authorization");
        String credential = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7) : request.getHeaders().get("X-Api-Key");
        if (credential == null || credential.isBlank()) {
            return Optional.empty();
        }
        if (tokens != null && JwtAuthenticator.looksLikeJwt(credential)) {
            try {
                return tokens.authenticate(credential);
            } catch (JwtAuthenticator.KeysUnavailableException e) {
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "issuer_unavailable",
                        "the token could not be checked: the issuer's keys (JWKS) could not be fetched; try again",
                        List.of());
            }
        }
        return configured.authenticate(credential).or(() -> created.authenticate(credential));
    }
}
