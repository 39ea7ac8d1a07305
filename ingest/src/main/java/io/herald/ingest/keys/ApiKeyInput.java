package io.herald.ingest.keys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A tenant API key to create.
 *
 * @param scope admin or read-only
 * @param expiresAt when it stops working (ISO-8601), or null for never
 */
@Serdeable
public record ApiKeyInput(@Nullable String tenant, @Nullable String name, @Nullable String scope,
        @Nullable String expiresAt) {
}
