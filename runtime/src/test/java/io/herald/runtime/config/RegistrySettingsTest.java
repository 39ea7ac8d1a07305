package io.herald.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's keys read together: an endpoint, or a message naming the keys and never a secret. */
class RegistrySettingsTest {

    @Test
    void readsTheUrlAndTheCredentials() {
        var registry = CommonSettings.registry(Settings.of(Map.of("herald.registry.url", "https://sr.example.com/",
                "herald.registry.username", "key", "herald.registry.password", "s3cret")));

        assertThat(registry.url()).isEqualTo("https://sr.example.com");
        assertThat(registry.authorization()).isPresent();
        assertThat(registry).hasToString("https://sr.example.com (basic auth as key)");
    }

    @Test
    void halfACredentialIsRefusedNamingTheKeysNotTheSecret() {
        assertThatThrownBy(() -> CommonSettings.registry(Settings.of(Map.of("herald.registry.url", "http://sr:8081",
                "herald.registry.password", "s3cret"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("herald.registry.username").hasMessageContaining("herald.registry.password")
                .hasMessageContaining("needs both a username and a password").hasMessageNotContaining("s3cret");
    }

    @Test
    void theApicurioV2UrlOfEarlierReleasesIsRefusedWithTheUrlToGive() {
        assertThatThrownBy(() -> CommonSettings.registry(Settings.of(Map.of("herald.registry.url",
                "http://registry:8080/apis/registry/v2"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("herald.registry.url (env HERALD_REGISTRY_URL) names Apicurio's own v2 API "
                        + "(http://registry:8080/apis/registry/v2); Herald speaks the Confluent Schema Registry API: "
                        + "give http://registry:8080/apis/ccompat/v7");
    }
}
