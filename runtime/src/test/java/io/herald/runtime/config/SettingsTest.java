package io.herald.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static final Setting<Integer> THREADS = Setting.integer("herald.router.stream-threads", 1, 1, 64, "threads");

    @Test
    void readsSystemPropertiesThenEnvironmentThenDefault() {
        assertThat(new Settings(Map.of("herald.router.stream-threads", "4"),
                Map.of("HERALD_ROUTER_STREAM_THREADS", "8")).get(THREADS)).isEqualTo(4);
        assertThat(new Settings(Map.of(), Map.of("HERALD_ROUTER_STREAM_THREADS", "8")).get(THREADS)).isEqualTo(8);
        assertThat(Settings.of(Map.of()).get(THREADS)).isEqualTo(1);
    }

    @Test
    void namesTheKeyBothSpellingsAndTheRuleWhenAValueIsWrong() {
        assertThatThrownBy(() -> Settings.of(Map.of("herald.router.stream-threads", "lots")).get(THREADS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("herald.router.stream-threads (env HERALD_ROUTER_STREAM_THREADS) must be an integer "
                        + "from 1 to 64, got 'lots'");
        assertThatThrownBy(() -> Settings.of(Map.of("herald.router.stream-threads", "0")).get(THREADS))
                .hasMessageContaining("got '0'");
        assertThatThrownBy(() -> Settings.of(Map.of()).get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS))
                .hasMessageStartingWith("herald.kafka.bootstrap-servers (env HERALD_KAFKA_BOOTSTRAP_SERVERS) is required");
    }

    @Test
    void neverEchoesASecretValue() {
        Setting<String> secret = new Setting<>("herald.secrets.keys", "keys", null, v -> {
            throw new IllegalArgumentException("bad");
        }, v -> true, "a key ring", true);
        assertThatThrownBy(() -> Settings.of(Map.of("herald.secrets.keys", "k1:SUPERSECRET")).get(secret))
                .hasMessageEndingWith("got <redacted>")
                .message().doesNotContain("SUPERSECRET");
    }
}
