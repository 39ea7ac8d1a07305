package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.runtime.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The image definitions, checked without a Docker engine (none runs here): one Dockerfile target per service whose
 * entry point is that service's main class, non-root, and docker-compose building exactly those targets with
 * configuration keys that exist.
 */
class ContainerImagesTest {

    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    private static final Path COMPOSE = Path.of("../docker-compose.yml");
    private static final Pattern STAGE = Pattern.compile("(?m)^FROM (\\S+) AS (\\S+)$");
    private static final Pattern ENTRYPOINT = Pattern.compile(
            "(?m)^ENTRYPOINT \\[\"java\", \"-cp\", \"/app/lib/\\*\", \"([\\w.]+)\"]$");

    @Test
    void eachServiceTargetRunsItsOwnMainClassAsANonRootUser() throws Exception {
        String dockerfile = Files.readString(DOCKERFILE);
        Map<String, String> mainByTarget = new LinkedHashMap<>();
        String[] stages = dockerfile.split("(?m)^(?=FROM )");
        for (String stage : stages) {
            Matcher from = STAGE.matcher(stage);
            Matcher entry = ENTRYPOINT.matcher(stage);
            if (from.find() && entry.find()) {
                assertThat(from.group(1)).as("service images build on the runtime stage").isEqualTo("runtime");
                mainByTarget.put(from.group(2), entry.group(1));
            }
        }
        assertThat(mainByTarget).containsExactly(Map.entry("ingest", "io.herald.ingest.IngestMain"),
                Map.entry("router", "io.herald.router.RouterMain"),
                Map.entry("deliverer", "io.herald.deliverer.DelivererMain"),
                Map.entry("topics", "io.herald.deploy.topics.TopicsMain"));
        for (String main : mainByTarget.values()) {
            assertThat(Class.forName(main).getMethod("main", String[].class)).as(main).isNotNull();
        }
        String runtime = List.of(stages).stream().filter(s -> s.startsWith("FROM eclipse-temurin:17-jre AS runtime"))
                .findFirst().orElseThrow();
        assertThat(runtime).contains("USER 10001:10001", "-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError",
                "-Dlogback.configurationFile=/app/logback.xml");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeBuildsEachServiceFromItsTargetWithKeysThatExist() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        Map<String, String> targets = services.entrySet().stream()
                .filter(e -> e.getValue().get("build") != null)
                .collect(Collectors.toMap(Map.Entry::getKey,
                        e -> (String) ((Map<String, Object>) e.getValue().get("build")).get("target")));
        assertThat(targets).isEqualTo(Map.of("herald-topics", "topics", "router", "router", "deliverer",
                "deliverer", "ingest", "ingest"));
        Set<String> known = ConfigurationReference.BY_SERVICE.values().stream().flatMap(List::stream)
                .map(Setting::environmentVariable).collect(Collectors.toSet());
        services.forEach((name, service) -> {
            if (service.get("build") != null) {
                Map<String, Object> environment = (Map<String, Object>) service.get("environment");
                assertThat(environment.keySet()).as("%s's environment", name)
                        .allSatisfy(key -> assertThat(key).isIn(known));
            }
        });
    }
}
