package io.herald.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class RegistryEndpointTest {

    @Test
    void readsConfluentStyleSerdeSettings() {
        RegistryEndpoint basic = RegistryEndpoint.fromConfig(Map.of("schema.registry.url",
                "https://sr.example.com:8081/,https://sr2.example.com", "basic.auth.user.info",
                new Password("key:se:cret")));
        assertThat(basic.url()).isEqualTo("https://sr.example.com:8081");
        assertThat(basic.username()).isEqualTo("key");
        assertThat(basic.password()).isEqualTo("se:cret");

        RegistryEndpoint bearer = RegistryEndpoint.fromConfig(Map.of("schema.registry.url", "http://sr:8081",
                "bearer.auth.token", "tok"));
        assertThat(bearer.authorization()).contains("Bearer tok");
        assertThat(RegistryEndpoint.fromConfig(Map.of("schema.registry.url", "http://sr:8081")).authorization())
                .isEmpty();
    }

    @Test
    void neverShowsItsSecrets() {
        assertThat(RegistryEndpoint.of("http://sr:8081").withBasicAuth("herald", "s3cret"))
                .hasToString("http://sr:8081 (basic auth as herald)");
        assertThat(RegistryEndpoint.of("http://sr:8081").withBearerToken("tok-123").toString())
                .isEqualTo("http://sr:8081 (a bearer token)").doesNotContain("tok-123");
    }

    @Test
    void refusesWhatCannotWork() {
        assertThatThrownBy(() -> RegistryEndpoint.of("sr:8081")).hasMessageContaining("must be http(s)://");
        assertThatThrownBy(() -> RegistryEndpoint.of("http://u:p@sr:8081"))
                .hasMessageContaining("must not carry credentials").hasMessageNotContaining("u:p");
        assertThatThrownBy(() -> new RegistryEndpoint("http://sr", "herald", null, null))
                .hasMessage("registry basic auth needs both a username and a password");
        assertThatThrownBy(() -> new RegistryEndpoint("http://sr", "herald", "pw", "tok"))
                .hasMessage("give the registry basic-auth credentials or a bearer token, not both");
        assertThatThrownBy(() -> RegistryEndpoint.fromConfig(Map.of("schema.registry.url", "http://sr",
                "basic.auth.user.info", "nocolon"))).hasMessage("basic.auth.user.info must be user:password");
        assertThatThrownBy(() -> RegistryEndpoint.fromConfig(Map.of())).hasMessage("schema.registry.url is required");
    }
}
