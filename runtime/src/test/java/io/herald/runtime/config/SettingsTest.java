package io.herald.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.runtime.egress.Cidr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    private static final Setting<Integer> THREADS = Setting.integer("herald.router.stream-threads", 1, 1, 64, "threads");
    private static final Setting<Duration> GRACE = Setting.duration("herald.deliverer.shutdown-grace", "20s",
            Duration.ZERO, Duration.ofMinutes(10), "grace");

    @Test
    void readsSystemPropertiesThenEnvironmentThenTheFileThenTheDefault() {
        Map<String, String> file = Map.of("herald.router.stream-threads", "16");
        assertThat(new Settings(Map.of("herald.router.stream-threads", "4"),
                Map.of("HERALD_ROUTER_STREAM_THREADS", "8"), file).get(THREADS)).isEqualTo(4);
        assertThat(new Settings(Map.of(), Map.of("HERALD_ROUTER_STREAM_THREADS", "8"), file).get(THREADS))
                .isEqualTo(8);
        assertThat(new Settings(Map.of(), Map.of(), file).get(THREADS)).isEqualTo(16);
        assertThat(Settings.of(Map.of()).get(THREADS)).isEqualTo(1);
    }

    @Test
    void loadsTheConfigurationFileTheEnvironmentNames(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("herald.properties"), "# a comment\n"
                + "herald.router.stream-threads=6\n#herald.deliverer.shutdown-grace=1m\n");

        Map<String, String> values = Settings.configFile(Map.of(), Map.of("HERALD_CONFIG_FILE", file.toString()));

        assertThat(values).containsExactly(Map.entry("herald.router.stream-threads", "6"));
        assertThat(new Settings(Map.of(), Map.of(), values).get(GRACE)).isEqualTo(Duration.ofSeconds(20));
        assertThatThrownBy(() -> Settings.configFile(Map.of(Settings.CONFIG_FILE, dir.resolve("nope").toString()),
                Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("can't be read");
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
    void durationsCarryTheirUnitAndStayWithinTheirRange() {
        assertThat(Settings.of(Map.of("herald.deliverer.shutdown-grace", "90s")).get(GRACE))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(Settings.of(Map.of("herald.deliverer.shutdown-grace", "2m")).get(GRACE))
                .isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> Settings.of(Map.of("herald.deliverer.shutdown-grace", "20")).get(GRACE))
                .hasMessage("herald.deliverer.shutdown-grace (env HERALD_DELIVERER_SHUTDOWN_GRACE) must be a duration "
                        + "such as 500ms, 30s, 5m, 2h or 5d, from 0s to 10m, got '20'");
        assertThatThrownBy(() -> Settings.of(Map.of("herald.deliverer.shutdown-grace", "1h")).get(GRACE))
                .hasMessageContaining("from 0s to 10m, got '1h'");
        assertThat(GRACE.defaultText()).isEqualTo("20s");
    }

    @Test
    void sharedKindsParseThroughOneFactoryEach() {
        assertThat(Settings.of(Map.of("herald.egress.allowed-networks", "10.8.0.0/16, 127.0.0.0/8"))
                .get(CommonSettings.EGRESS_ALLOWED_NETWORKS)).extracting(Cidr::toString)
                .containsExactly("10.8.0.0/16", "127.0.0.0/8");
        assertThat(CommonSettings.EGRESS_ALLOWED_NETWORKS.defaultValue()).isEmpty();
        Setting<List<Duration>> schedule = Setting.retryDelays("herald.deliverer.retry.schedule", "standard", "d");
        assertThat(schedule.defaultValue()).isEqualTo(RetryDelays.STANDARD);
        assertThat(Settings.of(Map.of(schedule.name(), "30s,5m")).get(schedule))
                .containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(5));
        assertThatThrownBy(() -> Settings.of(Map.of(schedule.name(), "30s,2d")).get(schedule))
                .hasMessageContaining("each at most 1d");
    }

    @Test
    void defaultsNamingSystemPropertiesResolveOnTheMachineThatRuns() {
        Setting<String> dir = Setting.text("herald.router.state-dir", "${java.io.tmpdir}/herald-router", "dir");

        assertThat(dir.defaultText()).isEqualTo("${java.io.tmpdir}/herald-router");
        assertThat(dir.defaultValue()).isEqualTo(System.getProperty("java.io.tmpdir") + "/herald-router");
    }

    @Test
    void neverEchoesASecretValue() {
        Setting<String> secret = new Setting<String>("herald.secrets.keys", "keys", null, v -> {
            throw new IllegalArgumentException("bad");
        }, v -> true, "a key ring", true);
        assertThatThrownBy(() -> Settings.of(Map.of("herald.secrets.keys", "k1:SUPERSECRET")).get(secret))
                .hasMessageEndingWith("got <redacted>")
                .message().doesNotContain("SUPERSECRET");
    }

    @Test
    void aFamilyOfKeysComesFromEverySourceWithConfluentsEnvironmentSpelling() {
        SettingPrefix family = new SettingPrefix("herald.kafka.client.", "doc", "herald.kafka.client.a=b");
        Settings settings = new Settings(Map.of("herald.kafka.client.sasl.mechanism", "SCRAM-SHA-512",
                "herald.kafka.clientx.other", "not of the family"),
                Map.of("HERALD_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN",
                        "HERALD_KAFKA_CLIENT_SASL_JAAS_CONFIG", "${dir:/run/secrets:jaas}",
                        "HERALD_KAFKA_CLIENT_SOME__ODD___NAME", "x",
                        "HERALD_KAFKA_CLIENT_BLANK", " "),
                Map.of("herald.kafka.client.ssl.truststore.type", "PKCS12",
                        "herald.kafka.client.sasl.mechanism", "GSSAPI"));

        assertThat(settings.family(family)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sasl.mechanism", "SCRAM-SHA-512", // system property, then environment, then file
                "sasl.jaas.config", "${dir:/run/secrets:jaas}", // passed on as written, for Kafka to resolve
                "some_odd-name", "x",
                "ssl.truststore.type", "PKCS12"));
        assertThat(family.environmentVariable("some_odd-name")).isEqualTo("HERALD_KAFKA_CLIENT_SOME__ODD___NAME");
        assertThat(family.environmentVariable("sasl.jaas.config")).isEqualTo("HERALD_KAFKA_CLIENT_SASL_JAAS_CONFIG");
        assertThat(settings.read()).contains("herald.kafka.client.*");
    }
}
