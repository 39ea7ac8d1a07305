package io.herald.ingest.keys;

import io.herald.ingest.auth.ApiKeys;
import io.herald.ingest.auth.KeyScope;
import io.herald.ingest.auth.OperatorScope;
import io.herald.ingest.auth.TenantKeys;
import io.herald.ingest.http.ApiException;
import io.herald.ingest.http.FieldProblem;
import io.herald.ingest.http.JsonBodies;
import io.herald.ingest.keys.ApiKeyResponses.ApiKeyList;
import io.herald.ingest.keys.ApiKeyResponses.ApiKeyView;
import io.herald.ingest.keys.ApiKeyResponses.CreatedApiKeyView;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.Tenants;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The operator API for tenant API keys: create (the key is shown once), list and revoke. Operator keys only; a key
 * works on every ingest instance within a second of being created and stops as soon after it is revoked.
 */
@Controller("/api/v1/api-keys")
@ExecuteOn(TaskExecutors.BLOCKING) // writes wait for Kafka's acknowledgement
public class ApiKeysController {

    private final TenantKeys keys;
    private final JsonBodies bodies;
    private final Clock clock;

    public ApiKeysController(TenantKeys keys, JsonBodies bodies, Clock clock) {
        this.keys = keys;
        this.bodies = bodies;
        this.clock = clock;
    }

    @Post
    public HttpResponse<CreatedApiKeyView> createApiKey(@Parameter(hidden = true) OperatorScope operator,
            @Nullable @Body JsonNode body) {
        ApiKeyInput input = bodies.readRequired(body, ApiKeyInput.class);
        List<FieldProblem> problems = new ArrayList<>();
        if (input.tenant() == null || !Tenants.isValid(input.tenant())) {
            problems.add(new FieldProblem("tenant", "is required: a tenant slug"));
        }
        if (!ApiKeys.isValidName(input.name())) {
            problems.add(new FieldProblem("name", "is required: " + ApiKeys.NAME_RULE));
        }
        KeyScope scope = input.scope() == null ? null : KeyScope.parse(input.scope()).orElse(null);
        if (scope == null) {
            problems.add(new FieldProblem("scope", "is required: admin or read-only"));
        }
        Instant expiresAt = null;
        if (input.expiresAt() != null) {
            try {
                expiresAt = Instant.parse(input.expiresAt());
                if (!expiresAt.isAfter(clock.instant())) {
                    problems.add(new FieldProblem("expiresAt", "must be in the future"));
                }
            } catch (DateTimeParseException e) {
                problems.add(new FieldProblem("expiresAt", "must be an ISO-8601 time such as 2027-01-31T00:00:00Z"));
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_api_key",
                    problems.size() == 1 ? "1 field is invalid" : problems.size() + " fields are invalid", problems);
        }
        Instant expiry = expiresAt;
        TenantKeys.Created created = stored(() -> keys.create(operator.caller().actor(), input.tenant(),
                input.name(), scope, expiry));
        return HttpResponse.created(new CreatedApiKeyView(created.key(), ApiKeyView.of(created.record(),
                clock.instant())));
    }

    @Get("{?tenant}")
    public ApiKeyList listApiKeys(@Parameter(hidden = true) OperatorScope operator,
            @Nullable @QueryValue String tenant) {
        if (tenant == null || !Tenants.isValid(tenant)) {
            throw ApiException.badRequest(List.of(new FieldProblem("tenant", "is required: a tenant slug")));
        }
        Instant now = clock.instant();
        return new ApiKeyList(keys.list(tenant).stream().map(key -> ApiKeyView.of(key, now)).toList());
    }

    @Get("/{id}")
    public ApiKeyView getApiKey(@Parameter(hidden = true) OperatorScope operator, @PathVariable String id) {
        return keys.get(id).map(key -> ApiKeyView.of(key, clock.instant()))
                .orElseThrow(() -> ApiException.notFound("API key " + id));
    }

    /** Revokes the key for good; revoking a revoked key changes nothing. */
    @Delete("/{id}")
    public ApiKeyView revokeApiKey(@Parameter(hidden = true) OperatorScope operator, @PathVariable String id) {
        if (!HeraldIds.isValid(HeraldIds.API_KEY_PREFIX, id)) {
            throw ApiException.notFound("API key " + id);
        }
        return stored(() -> keys.revoke(operator.caller().actor(), id)).map(key -> ApiKeyView.of(key, clock.instant()))
                .orElseThrow(() -> ApiException.notFound("API key " + id));
    }

    private static <T> T stored(Supplier<T> write) {
        try {
            return write.get();
        } catch (org.apache.kafka.common.KafkaException e) { // a topic that could not be read back in time too
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                    "the API key could not be stored; nothing changed, try again", List.of());
        }
    }
}
