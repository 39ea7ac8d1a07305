package io.herald.ingest.auth;

import io.herald.ingest.http.ApiException;
import io.herald.schemas.Tenants;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * Resolves the caller of a request from {@code Authorization: Bearer <key>} (or {@code X-Api-Key}) and checks it
 * may act for the tenant in the path: a key of another tenant gets a 404, as if the webhooks didn't exist.
 */
@Singleton
public class ApiAuthenticator {

    private final ApiKeys keys;

    public ApiAuthenticator(ApiKeys keys) {
        this.keys = keys;
    }

    public Caller authorize(HttpRequest<?> request, String tenant) {
        String authorization = request.getHeaders().get("Authorization");
        String key = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7) : request.getHeaders().get("X-Api-Key");
        Caller caller = keys.authenticate(key).orElseThrow(ApiException::unauthorized);
        if (!caller.mayAccess(tenant) || !Tenants.isValid(tenant)) {
            throw ApiException.notFound("tenant " + tenant);
        }
        return caller;
    }
}
