package io.herald.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.runtime.config.ConfigException;
import io.herald.runtime.config.Settings;
import io.herald.runtime.security.SecretCipher;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JWTs are accepted only with all of a JWKS, an issuer and an audience: never from anyone for anything. */
class JwtSettingsTest {

    private static IngestConfig config(Map<String, String> jwt) {
        Map<String, String> values = new HashMap<>(Map.of(
                "herald.kafka.bootstrap-servers", "localhost:9092",
                "herald.registry.url", "http://localhost:8081/apis/ccompat/v7",
                "herald.secrets.keys", "test:" + SecretCipher.generateKey(),
                "herald.ingest.api-keys", "*:ops:" + "0".repeat(64)));
        values.putAll(jwt);
        return IngestConfig.from(Settings.of(values));
    }

    @Test
    void noJwksNoJwts() {
        assertThat(config(Map.of()).jwt()).isEmpty();
    }

    @Test
    void aJwksWithIssuerAndAudienceIsTakenWithTheDefaultClaims() {
        var jwt = config(Map.of("herald.ingest.jwt.jwks-url", "https://iam.example.com/.well-known/jwks.json",
                "herald.ingest.jwt.issuer", "https://iam.example.com", "herald.ingest.jwt.audience", "herald"))
                .jwt().orElseThrow();
        assertThat(jwt.tenantClaim()).isEqualTo("tenant");
        assertThat(jwt.adminScope()).isEqualTo("herald:admin");
    }

    @Test
    void aJwksWithoutIssuerOrAudienceOrAnIssuerWithoutJwksStopsStartup() {
        assertThatThrownBy(() -> config(Map.of("herald.ingest.jwt.jwks-url", "https://iam.example.com/jwks",
                "herald.ingest.jwt.issuer", "https://iam.example.com")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("herald.ingest.jwt.audience");
        assertThatThrownBy(() -> config(Map.of("herald.ingest.jwt.audience", "herald")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("herald.ingest.jwt.jwks-url is required");
        assertThatThrownBy(() -> config(Map.of("herald.ingest.jwt.jwks-url", "file:/etc/jwks.json",
                "herald.ingest.jwt.issuer", "i", "herald.ingest.jwt.audience", "a")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http(s) URL");
    }
}
