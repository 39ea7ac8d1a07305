package io.herald.ingest.config;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.ingest.auth.ApiKeys;
import io.herald.ingest.auth.JwtConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.ConfigException;
import io.herald.runtime.config.Settings;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.security.SecretCipher;
import io.herald.runtime.tracing.TracingConfig;
import io.herald.runtime.tracing.TracingSettings;
import java.time.Duration;
import java.util.List;

/** The ingest service's configuration, validated at startup. */
public record IngestConfig(
        int port,
        KafkaClients kafka,
        RegistryEndpoint registry,
        SecretCipher secretCipher,
        ApiKeys apiKeys,
        Optional<JwtConfig> jwt,
        int tenantEventsPerSecond,
        int tenantApiPerSecond,
        boolean allowHttp,
        List<Cidr> allowedNetworks,
        Duration rotationOverlap,
        int maxRequestBytes,
        int maxEventRequestBytes,
        int opsPort,
        TracingConfig tracing) {

    public static IngestConfig from(Settings settings) {
        settings.get(CommonSettings.LOG_FORMAT); // used by logback, not here: a wrong value still stops startup
        return new IngestConfig(
                settings.get(IngestSettings.PORT),
                KafkaClients.from(settings),
                CommonSettings.registry(settings),
                parse(CommonSettings.SECRET_KEYS.name(), () -> SecretCipher.fromKeyRing(
                        settings.get(CommonSettings.SECRET_KEYS))),
                parse(IngestSettings.API_KEYS.name(), () -> ApiKeys.parse(settings.get(IngestSettings.API_KEYS))),
                jwt(settings),
                settings.get(IngestSettings.TENANT_EVENTS_PER_SECOND),
                settings.get(IngestSettings.TENANT_API_PER_SECOND),
                settings.get(IngestSettings.ALLOW_HTTP),
                settings.get(CommonSettings.EGRESS_ALLOWED_NETWORKS),
                settings.get(IngestSettings.ROTATION_OVERLAP),
                settings.get(IngestSettings.MAX_REQUEST_BYTES),
                settings.get(IngestSettings.MAX_EVENT_REQUEST_BYTES),
                settings.get(IngestSettings.OPS_PORT),
                TracingSettings.from(settings));
    }

    private static Optional<JwtConfig> jwt(Settings settings) {
        Optional<String> jwks = settings.get(IngestSettings.JWT_JWKS_URL);
        Optional<String> issuer = settings.get(IngestSettings.JWT_ISSUER);
        Optional<String> audience = settings.get(IngestSettings.JWT_AUDIENCE);
        String tenantClaim = settings.get(IngestSettings.JWT_TENANT_CLAIM);
        String adminScope = settings.get(IngestSettings.JWT_ADMIN_SCOPE);
        if (jwks.isEmpty()) {
            if (issuer.isPresent() || audience.isPresent()) {
                throw new ConfigException(IngestSettings.JWT_JWKS_URL.name() + " is required when "
                        + IngestSettings.JWT_ISSUER.name() + " or " + IngestSettings.JWT_AUDIENCE.name() + " is set");
            }
            return Optional.empty();
        }
        URI url;
        try {
            url = new URI(jwks.get());
        } catch (URISyntaxException e) {
            url = null;
        }
        if (url == null || url.getHost() == null || !("https".equals(url.getScheme())
                || "http".equals(url.getScheme()))) {
            throw new ConfigException(IngestSettings.JWT_JWKS_URL.name() + " must be an http(s) URL");
        }
        if (issuer.isEmpty() || audience.isEmpty()) {
            throw new ConfigException(IngestSettings.JWT_JWKS_URL.name() + " needs " + IngestSettings.JWT_ISSUER.name()
                    + " and " + IngestSettings.JWT_AUDIENCE.name() + ": a token of any issuer or for any service "
                    + "would be accepted otherwise");
        }
        return Optional.of(new JwtConfig(url, issuer.get(), audience.get(), tenantClaim, adminScope));
    }

    private static <T> T parse(String key, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ": " + e.getMessage());
        }
    }
}
