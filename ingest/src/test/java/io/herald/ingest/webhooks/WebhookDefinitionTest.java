package io.herald.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookDefinitionTest {

    @Test
    void acceptsExactTypesFamilyWildcardsAndEverything() {
        WebhookDefinition definition = WebhookDefinition.of("acme", "SIEM", "https://siem.acme.test/hook",
                List.of("security.*", "auth.login.failure", "*"));
        assertThat(definition.eventTypes()).containsExactly("security.*", "auth.login.failure", "*");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new WebhookDefinition("Acme!", " ", null, "ftp://x.test/",
                List.of("auth.login.teleport", "bogus.*"), Map.of(), 0, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenant must be a slug")
                .hasMessageContaining("name is required")
                .hasMessageContaining("url must be http or https")
                .hasMessageContaining("eventTypes: auth.login.teleport is neither")
                .hasMessageContaining("eventTypes: bogus.* is neither")
                .hasMessageContaining("timeoutMs must be between 1 and 60000");
    }

    @Test
    void rejectsUrlsWithCredentialsFragmentsOrNoHost() {
        assertThatThrownBy(() -> WebhookDefinition.of("acme", "n", "https://user:pw@x.test/", List.of("*")))
                .hasMessageContaining("url must not carry credentials");
        assertThatThrownBy(() -> WebhookDefinition.of("acme", "n", "https://x.test/#frag", List.of("*")))
                .hasMessageContaining("url must not have a fragment");
        assertThatThrownBy(() -> WebhookDefinition.of("acme", "n", "https:///path", List.of("*")))
                .hasMessageContaining("url has no valid host");
        assertThatThrownBy(() -> WebhookDefinition.of("acme", "n", "https://x.test/", List.of()))
                .hasMessageContaining("eventTypes needs at least one");
    }
}
