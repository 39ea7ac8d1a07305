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
    void readmeCarriesTheCurrentConfigurationTable() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).as("README.md must contain the output of ConfigurationReference.main")
                .contains(ConfigurationReference.markdownTable());
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
                    .collect(Collectors.toSet());
            assertThat(known).as("keys %s reads", service).containsAll(heraldKeys);
            List<String> required = settings.stream().filter(Setting::required).map(Setting::environmentVariable)
                    .toList();
            assertThat(heraldKeys).as("required keys given to %s", service).containsAll(required);
        });
    }
}
