package io.herald.ingest.keys;

import io.herald.ingest.auth.TenantKeys;
import io.herald.schemas.auth.ApiKey;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/** The operator API's views of tenant API keys: never the key's hash. */
public final class ApiKeyResponses {

    private ApiKeyResponses() {
    }

    /**
     * A key's record.
     *
     * @param state active, expired or revoked
     */
    @Serdeable
    public record ApiKeyView(String id, String tenant, String name, String scope, String state, Instant createdAt,
            String createdBy, @Nullable Instant expiresAt, @Nullable Instant revokedAt, @Nullable String revokedBy) {

        static ApiKeyView of(ApiKey key, Instant now) {
            String state = key.getRevokedAt() != null ? "revoked" : TenantKeys.isLive(key, now) ? "active" : "expired";
            return new ApiKeyView(key.getId(), key.getTenant(), key.getName(), key.getScope(), state,
                    key.getCreatedAt(), key.getCreatedBy(), key.getExpiresAt(), key.getRevokedAt(), key.getRevokedBy());
        }
    }

    /** A key just created: {@code key} is shown this once; Herald keeps only its hash. */
    @Serdeable
    public record CreatedApiKeyView(String key, ApiKeyView apiKey) {
    }

    @Serdeable
    public record ApiKeyList(List<ApiKeyView> items) {
    }
}
