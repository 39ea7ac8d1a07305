package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.runtime.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The configuration documentation and docker-compose stay in step with the keys the code defines. */
class ConfigurationDocsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theConfigurationReferenceCarriesTheCurrentTable() throws Exception {
        String reference = Files.readString(ROOT.resolve("docs/configuration.md"));
        assertThat(reference).as("docs/configuration.md must contain the output of ConfigurationReference.main")
                .contains(ConfigurationReference.markdownTable());
    }

    @Test
    void theDefaultConfigurationFileIsCurrentAndListsEveryKeyAtItsDefault() throws Exception {
        Path file = ROOT.resolve("deploy/config/herald.default.properties");
        assertThat(Files.readString(file)).as("deploy/config/herald.default.properties must be the output of "
                + "ConfigurationReference.main --config-file").isEqualTo(ConfigurationReference.defaultConfigFile());
        String text = Files.readString(file);
        ConfigurationReference.BY_SERVICE.values().forEach(settings -> settings.forEach(setting ->
                assertThat(text).contains("\n#" + setting.name() + "=" + (setting.required() ? "" : setting.defaultText())
                        + "\n")));
        // Uncommented, every default is valid as the services read it.
        java.util.Properties uncommented = new java.util.Properties();
        uncommented.load(new java.io.StringReader(text.replaceAll("(?m)^#(herald\\.)", "$1")));
        Map<String, String> values = new java.util.HashMap<>();
        uncommented.forEach((k, v) -> values.put(k.toString(), v.toString()));
        values.put("herald.kafka.bootstrap-servers", "kafka:9092");
        values.put("herald.registry.url", "http://registry:8080/apis/ccompat/v7");
        values.put("herald.secrets.keys", "k:" + io.herald.runtime.security.SecretCipher.generateKey());
        values.put("herald.ingest.api-keys", "*:ops:" + "0".repeat(64));
        io.herald.runtime.config.Settings settings = io.herald.runtime.config.Settings.of(values);
        assertThat(io.herald.deliverer.DelivererConfig.from(settings).maxInFlight()).isEqualTo(2048);
        assertThat(io.herald.router.RouterConfig.from(settings).health().failingFor())
                .isEqualTo(java.time.Duration.ofDays(5));
        assertThat(io.herald.ingest.config.IngestConfig.from(settings).rotationOverlap()).isEqualTo(java.time.Duration.ofDays(1));
    }

    @Test
    void everyKeyAServiceReadsIsOneItDocuments() {
        Map<String, String> required = Map.of("herald.kafka.bootstrap-servers", "kafka:9092",
                "herald.registry.url", "http://registry:8080/apis/ccompat/v7",
                "herald.secrets.keys", "k:" + io.herald.runtime.security.SecretCipher.generateKey(),
                "herald.ingest.api-keys", "*:ops:" + "0".repeat(64));
        Map<String, java.util.function.Consumer<io.herald.runtime.config.Settings>> services = Map.of(
                "ingest", io.herald.ingest.config.IngestConfig::from,
                "router", io.herald.router.RouterConfig::from,
                "deliverer", io.herald.deliverer.DelivererConfig::from);
        services.forEach((service, from) -> {
            io.herald.runtime.config.Settings settings = io.herald.runtime.config.Settings.of(required);
            from.accept(settings);
            Set<String> documented = ConfigurationReference.BY_SERVICE.get(service).stream().map(Setting::name)
                    .collect(Collectors.toCollection(java.util.HashSet::new));
            ConfigurationReference.FAMILIES.forEach(family -> documented.add(family.prefix() + "*"));
            assertThat(settings.read()).as("what %s reads at startup", service).isNotEmpty();
            assertThat(documented).as("keys %s documents (and the default file lists)", service)
                    .containsAll(settings.read());
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void dockerComposeSetsOnlyKnownKeysAndEveryRequiredOne() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");

        ConfigurationReference.BY_SERVICE.forEach((service, settings) -> {
            assertThat(services).as("docker-compose service").containsKey(service);
            Set<String> known = settings.stream().map(Setting::environmentVariable).collect(Collectors.toSet());
            Map<String, Object> environment = (Map<String, Object>) services.get(service).get("environment");
            Set<String> heraldKeys = environment.keySet().stream().filter(k -> k.startsWith("HERALD_"))
                    .filter(k -> ConfigurationReference.FAMILIES.stream()
                            .noneMatch(family -> k.startsWith(family.environmentPrefix())))
                    .collect(Collectors.toSet());
            assertThat(known).as("keys %s reads", service).containsAll(heraldKeys);
            List<String> required = settings.stream().filter(Setting::required).map(Setting::environmentVariable)
                    .toList();
            assertThat(heraldKeys).as("required keys given to %s", service).containsAll(required);
        });
    }
}
