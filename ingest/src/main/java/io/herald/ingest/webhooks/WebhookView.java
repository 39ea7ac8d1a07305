package io.herald.ingest.webhooks;

import io.herald.schemas.webhook.BasicAuth;
import io.herald.schemas.webhook.BearerTokenAuth;
import io.herald.schemas.webhook.Webhook;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A webhook as the API shows it: everything but secrets and credentials. */
@Serdeable
public record WebhookView(
        String id,
        String tenant,
        String name,
        @Nullable String description,
        String url,
        List<String> eventTypes,
        boolean active,
        @Nullable String disabledReason,
        @Nullable Instant disabledAt,
        AuthView auth,
        Map<String, String> headers,
        Map<String, String> queryParameters,
        @Nullable Integer timeoutMs,
        @Nullable Integer rateLimitPerSecond,
        List<String> retrySchedule,
        SigningView signing,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    /** The kind of credentials, and the user name of basic auth; never a token or password. */
    @Serdeable
    public record AuthView(String type, @Nullable String username) {
    }

    /**
     * @param ed25519PublicKey the whpk_ key receivers verify v1a signatures with, when the webhook has one
     * @param secretsInRotation how many secrets currently sign deliveries (2 during a rotation overlap)
     */
    @Serdeable
    public record SigningView(boolean heraldSignature, @Nullable String ed25519PublicKey, int secretsInRotation) {
    }

    public static WebhookView of(Webhook s, Instant now) {
        Object auth = s.getAuth();
        AuthView authView = auth instanceof BearerTokenAuth ? new AuthView("bearer", null)
                : auth instanceof BasicAuth basic ? new AuthView("basic", basic.getUsername())
                : new AuthView("none", null);
        int secrets = s.getSigningSecrets().size()
                + (int) s.getRetiringSecrets().stream().filter(r -> r.getExpiresAt().isAfter(now)).count();
        return new WebhookView(s.getId(), s.getTenant(), s.getName(), s.getDescription(), s.getUrl(),
                List.copyOf(s.getEventTypes()), s.getActive(), s.getDisabledReason(), s.getDisabledAt(), authView,
                Map.copyOf(s.getHeaders()), Map.copyOf(s.getQueryParameters()), s.getTimeoutMs(),
                s.getRateLimitPerSecond(), retrySchedule(s),
                new SigningView(s.getHeraldSignature(),
                        s.getAsymmetricKey() == null ? null : s.getAsymmetricKey().getPublicKey(), secrets),
                s.getCreatedAt(), s.getUpdatedAt(), s.getVersion());
    }

    /** A stored webhook's own retry delays as the API writes them ("30s", "5m"); empty for the default. */
    static List<String> retrySchedule(Webhook webhook) {
        return io.herald.runtime.config.RetryDelays.format(webhook.getRetryDelaysMs().stream()
                .map(java.time.Duration::ofMillis).toList());
    }
}
