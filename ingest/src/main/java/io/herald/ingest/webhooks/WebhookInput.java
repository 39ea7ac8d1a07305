package io.herald.ingest.webhooks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * A webhook as a client sends it. For POST and PUT, name, url and eventTypes are required; for PATCH every field
 * is optional and an absent one stays as it is.
 *
 * @param secret a whsec_ secret to use instead of a generated one (POST only)
 * @param retrySchedule delays before each retry, such as ["30s", "5m", "1h"]; empty for the service default
 * @param signing which signatures deliveries carry
 */
@Serdeable
public record WebhookInput(
        @Nullable String name,
        @Nullable String description,
        @Nullable String url,
        @Nullable List<String> eventTypes,
        @Nullable Boolean active,
        @Nullable String secret,
        @Nullable AuthInput auth,
        @Nullable Map<String, String> headers,
        @Nullable Map<String, String> queryParameters,
        @Nullable Integer timeoutMs,
        @Nullable Integer rateLimitPerSecond,
        @Nullable List<String> retrySchedule,
        @Nullable SigningInput signing) {

    /**
     * Credentials Herald sends to the endpoint.
     *
     * @param type none, bearer or basic
     */
    @Serdeable
    public record AuthInput(String type, @Nullable String token, @Nullable String username,
            @Nullable String password) {

        @Override
        public String toString() {
            return "AuthInput[type=" + type + ", username=" + username + "]";
        }
    }

    /**
     * @param ed25519 also sign with an ed25519 key (Standard Webhooks v1a); its public key is shown on the webhook
     * @param heraldSignature send X-Herald-Signature (default true)
     */
    @Serdeable
    public record SigningInput(@Nullable Boolean ed25519, @Nullable Boolean heraldSignature) {
    }

    @Override
    public String toString() {
        return "WebhookInput[name=" + name + ", url=" + url + ", eventTypes=" + eventTypes + "]"; // no secrets
    }
}
