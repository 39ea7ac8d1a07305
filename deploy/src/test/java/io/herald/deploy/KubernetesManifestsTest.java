package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.herald.deliverer.DelivererConfig;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.schemas.Topics;
import io.herald.runtime.config.Setting;
import io.herald.runtime.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests under deploy/k8s, rendered with kustomize ({@code kubectl kustomize}) the way operators
 * apply them: valid against the Kubernetes and KEDA schemas, every configuration key of every service wired to its
 * workload with a valid value, secrets only from the Secret, probes on the operations port, and scaling bounded by
 * the partitions the topic definitions give.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s").toAbsolutePath();
    private static final Map<String, String> SERVICE_OF_WORKLOAD = Map.of("herald-ingest", "ingest",
            "herald-router", "router", "herald-deliverer", "deliverer", "herald-topics", "herald-topics");
    private static final Map<String, List<Map<String, Object>>> RENDERED = new HashMap<>();
    private static final Map<String, String> RENDERED_TEXT = new HashMap<>();

    @BeforeAll
    static void render() throws Exception {
        boolean kubectl = Commands.succeeds("kubectl", "version", "--client");
        Commands.require(kubectl, "kubectl (for kustomize) is missing: the manifests are not rendered");
        for (String variant : List.of("base", "overlays/dev", "overlays/prod")) {
            RENDERED_TEXT.put(variant, kustomize(variant));
            RENDERED.put(variant, parse(RENDERED_TEXT.get(variant)));
        }
    }

    @Test
    void everyRenderedManifestIsValidAgainstTheKubernetesAndKedaSchemas() throws Exception {
        NodeVerifiers.assumeAvailable();
        List<String> files = new ArrayList<>();
        for (String variant : RENDERED.keySet()) {
            Path file = Files.createTempFile("herald-k8s-" + variant.replace('/', '-'), ".yaml");
            Files.writeString(file, RENDERED_TEXT.get(variant));
            files.add(file.toString());
        }
        try {
            Commands.Result result = NodeVerifiers.run("validate-manifests.mjs", files.toArray(String[]::new));
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("apps/v1 Deployment", "keda.sh/v1alpha1 ScaledObject",
                    "keda.sh/v1alpha1 TriggerAuthentication",
                    "autoscaling/v2 HorizontalPodAutoscaler", "batch/v1 Job", "policy/v1 PodDisruptionBudget");
        } finally {
            for (String file : files) {
                Files.deleteIfExists(Path.of(file));
            }
        }
    }

    @Test
    void everyServiceGetsEveryKeyItReadsWithAValidValueAndSecretsOnlyFromTheSecret() {
        for (String variant : RENDERED.keySet()) {
            List<Map<String, Object>> manifests = RENDERED.get(variant);
            for (Map<String, Object> workload : workloads(manifests)) {
                String name = name(workload);
                List<Setting<?>> settings = ConfigurationReference.BY_SERVICE.get(SERVICE_OF_WORKLOAD.get(name));
                assertThat(settings).as("%s in %s is a Herald service", name, variant).isNotNull();
                Map<String, Object> container = onlyContainer(workload);
                Map<String, String> fromConfigMaps = new HashMap<>();
                for (Map<String, Object> source : list(container.get("envFrom"))) {
                    assertThat(source).as("%s: whole Secrets are not mounted as env", name)
                            .doesNotContainKey("secretRef");
                    String configMap = (String) map(source.get("configMapRef")).get("name");
                    fromConfigMaps.putAll(stringMap(map(find(manifests, "ConfigMap", configMap).get("data"))));
                }
                Set<String> fromSecret = new HashSet<>();
                for (Map<String, Object> env : list(container.get("env"))) {
                    Map<String, Object> secretRef = map(map(env.get("valueFrom")).get("secretKeyRef"));
                    assertThat(secretRef).as("%s: %s comes from the Secret", name, env.get("name")).isNotEmpty();
                    assertThat(secretRef.get("key")).isEqualTo(env.get("name"));
                    fromSecret.add((String) env.get("name"));
                }
                for (Setting<?> setting : settings) {
                    String variable = setting.environmentVariable();
                    if (setting.secret()) {
                        assertThat(fromSecret).as("%s in %s: secret %s", name, variant, variable).contains(variable);
                        assertThat(fromConfigMaps).as("%s: secret %s in a ConfigMap", name, variable)
                                .doesNotContainKey(variable);
                        continue;
                    }
                    assertThat(fromConfigMaps).as("%s in %s: %s wired", name, variant, variable)
                            .containsKey(variable);
                    String value = fromConfigMaps.get(variable);
                    assertThatCode(() -> Settings.of(Map.of(setting.name(), value)).get(setting))
                            .as("%s in %s: %s=%s", name, variant, variable, value).doesNotThrowAnyException();
                }
                // Shared ConfigMaps may carry keys another service reads; a key no service reads is a typo.
                String clientPrefix = CommonSettings.KAFKA_CLIENT.environmentPrefix();
                assertThat(fromConfigMaps.keySet().stream().filter(key -> !key.startsWith(clientPrefix)))
                        .as("%s in %s: keys no setting defines (typos?)", name, variant)
                        .isSubsetOf(ConfigurationReference.BY_SERVICE.values().stream().flatMap(List::stream)
                                .map(Setting::environmentVariable).collect(Collectors.toSet()));
                // Kafka client properties are checked as at startup: known to Kafka, none that Herald sets itself.
                assertThatCode(() -> KafkaClients.from(new Settings(Map.of(), fromConfigMaps, Map.of())))
                        .as("%s in %s: Kafka client properties", name, variant).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void theDevOverlaysSecretHoldsValidValuesForEverySecretKey() {
        List<Map<String, Object>> dev = RENDERED.get("overlays/dev");
        Map<String, String> secret = new HashMap<>();
        stringMap(map(dev.stream().filter(m -> "Secret".equals(m.get("kind"))).findFirst().orElseThrow().get("data")))
                .forEach((key, base64) -> secret.put(key, new String(java.util.Base64.getMimeDecoder().decode(base64),
                        StandardCharsets.UTF_8)));
        ConfigurationReference.BY_SERVICE.values().stream().flatMap(List::stream).filter(Setting::secret)
                .filter(Setting::required).forEach(setting -> {
                    assertThat(secret).containsKey(setting.environmentVariable());
                    assertThatCode(() -> Settings.of(Map.of(setting.name(),
                            secret.get(setting.environmentVariable()))).get(setting)).doesNotThrowAnyException();
                });
        assertThatCode(() -> io.herald.runtime.security.SecretCipher.fromKeyRing(secret.get("HERALD_SECRETS_KEYS")))
                .doesNotThrowAnyException();
    }

    @Test
    void everyServiceIsProbedOnItsOperationsPortRunsAsNonRootAndHasResourceBounds() {
        for (String variant : RENDERED.keySet()) {
            for (Map<String, Object> workload : workloads(RENDERED.get(variant))) {
                Map<String, Object> pod = podSpec(workload);
                Map<String, Object> container = onlyContainer(workload);
                String name = name(workload);
                assertThat(map(pod.get("securityContext")).get("runAsNonRoot")).as(name).isEqualTo(true);
                assertThat(map(container.get("securityContext")).get("allowPrivilegeEscalation")).isEqualTo(false);
                Map<String, Object> resources = map(container.get("resources"));
                assertThat(map(resources.get("requests"))).as(name).containsKeys("cpu", "memory");
                assertThat(map(resources.get("limits"))).as(name).containsKeys("memory");
                if (!"Deployment".equals(workload.get("kind"))) {
                    continue;
                }
                assertThat(list(container.get("ports"))).as(name)
                        .anySatisfy(port -> assertThat(port).containsEntry("name", "ops")
                                .containsEntry("containerPort", 9090));
                assertThat(map(map(container.get("livenessProbe")).get("httpGet")))
                        .containsEntry("path", "/health/live").containsEntry("port", "ops");
                assertThat(map(map(container.get("readinessProbe")).get("httpGet")))
                        .containsEntry("path", "/health/ready").containsEntry("port", "ops");
                assertThat(find(RENDERED.get(variant), "PodDisruptionBudget", name)).as("%s has a PDB", name)
                        .isNotEmpty();
            }
        }
    }

    @Test
    void deliverersScaleOnLagWithKedaOrOnCpuWithoutItNeverBeyondThePartitions() {
        int partitions = Topics.all().stream().filter(t -> t.name().equals(Topics.DELIVERIES)).findFirst()
                .orElseThrow().partitions();
        Map<String, Object> hpa = find(RENDERED.get("base"), "HorizontalPodAutoscaler", "herald-deliverer");
        assertThat((Integer) map(hpa.get("spec")).get("maxReplicas")).isLessThanOrEqualTo(partitions);

        List<Map<String, Object>> prod = RENDERED.get("overlays/prod");
        assertThat(prod).noneMatch(m -> "HorizontalPodAutoscaler".equals(m.get("kind")));
        Map<String, Object> scaled = map(find(prod, "ScaledObject", "herald-deliverer").get("spec"));
        assertThat((Integer) scaled.get("maxReplicaCount")).isLessThanOrEqualTo(partitions);
        String group = DelivererConfig.GROUP_ID.defaultValue();
        String bootstrap = stringMap(map(find(prod, "ConfigMap", "herald-common").get("data")))
                .get("HERALD_KAFKA_BOOTSTRAP_SERVERS");
        List<Map<String, String>> kafkaTriggers = list(scaled.get("triggers")).stream()
                .filter(t -> "kafka".equals(t.get("type"))).map(t -> stringMap(map(t.get("metadata")))).toList();
        assertThat(kafkaTriggers).extracting(t -> t.get("consumerGroup") + "@" + t.get("topic"))
                .containsExactlyInAnyOrder(group + "@" + Topics.DELIVERIES,
                        group + "-retries@" + Topics.retryTopics().get(0));
        assertThat(kafkaTriggers).allSatisfy(t -> assertThat(t.get("bootstrapServers")).isEqualTo(bootstrap));
    }

    @Test
    void productionReachesASaslSslClusterWithCredentialsOnlyFromMountedSecrets() {
        List<Map<String, Object>> prod = RENDERED.get("overlays/prod");
        Map<String, String> common = stringMap(map(find(prod, "ConfigMap", "herald-common").get("data")));
        String prefix = CommonSettings.KAFKA_CLIENT.environmentPrefix();
        assertThat(common).containsEntry(prefix + "SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry(prefix + "SASL_MECHANISM", "SCRAM-SHA-512");
        String jaas = common.get(prefix + "SASL_JAAS_CONFIG");
        assertThat(jaas).as("the JAAS text is read from a file, never written in a ConfigMap")
                .matches("\\$\\{dir:[^:}]+:sasl\\.jaas\\.config}").doesNotContain("password");
        List<String> files = List.of(jaas.substring("${dir:".length(), jaas.lastIndexOf(':')) + "/x",
                common.get(prefix + "SSL_TRUSTSTORE_LOCATION"));

        for (Map<String, Object> workload : workloads(prod)) {
            Map<String, Object> container = onlyContainer(workload);
            Map<String, String> secretOfVolume = new HashMap<>();
            for (Map<String, Object> volume : list(podSpec(workload).get("volumes"))) {
                Object secret = map(volume.get("secret")).get("secretName");
                if (secret != null) {
                    secretOfVolume.put((String) volume.get("name"), (String) secret);
                }
            }
            for (String file : files) {
                assertThat(list(container.get("volumeMounts")))
                        .as("%s mounts %s from a Secret, read-only", name(workload), file)
                        .anyMatch(mount -> file.startsWith(mount.get("mountPath") + "/")
                                && secretOfVolume.containsKey((String) mount.get("name"))
                                && Boolean.TRUE.equals(mount.get("readOnly")));
            }
        }

        Map<String, Object> scaled = map(find(prod, "ScaledObject", "herald-deliverer").get("spec"));
        for (Map<String, Object> trigger : list(scaled.get("triggers"))) {
            if (!"kafka".equals(trigger.get("type"))) {
                continue;
            }
            assertThat(stringMap(map(trigger.get("metadata")))).containsEntry("sasl", "scram_sha512")
                    .containsEntry("tls", "enable");
            String authentication = (String) map(trigger.get("authenticationRef")).get("name");
            Map<String, Object> auth = map(find(prod, "TriggerAuthentication", authentication).get("spec"));
            assertThat(list(auth.get("secretTargetRef"))).extracting(ref -> ref.get("parameter"))
                    .containsExactlyInAnyOrder("username", "password", "ca");
        }
    }

    @Test
    void aStoppingDelivererHasTimeToFinishItsGracePeriodAndCommit() {
        for (String variant : RENDERED.keySet()) {
            Map<String, Object> deliverer = find(RENDERED.get(variant), "Deployment", "herald-deliverer");
            long grace = io.herald.runtime.config.Durations.parse(stringMap(map(find(RENDERED.get(variant),
                    "ConfigMap", "herald-deliverer").get("data"))).get(
                    io.herald.deliverer.DelivererConfig.SHUTDOWN_GRACE.environmentVariable())).toSeconds();
            assertThat((Integer) podSpec(deliverer).get("terminationGracePeriodSeconds"))
                    .as("%s: pod grace over the deliverer's own, with time to commit", variant)
                    .isGreaterThanOrEqualTo((int) grace + 15);
        }
    }

    private static List<Map<String, Object>> workloads(List<Map<String, Object>> manifests) {
        List<Map<String, Object>> workloads = manifests.stream()
                .filter(m -> "Deployment".equals(m.get("kind")) || "Job".equals(m.get("kind"))).toList();
        assertThat(workloads.stream().map(KubernetesManifestsTest::name).collect(Collectors.toSet()))
                .isEqualTo(SERVICE_OF_WORKLOAD.keySet());
        return workloads;
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(map(map(workload.get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> onlyContainer(Map<String, Object> workload) {
        List<Map<String, Object>> containers = list(podSpec(workload).get("containers"));
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, Object> find(List<Map<String, Object>> manifests, String kind, String name) {
        return manifests.stream().filter(m -> kind.equals(m.get("kind")) && name.equals(name(m))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static String name(Map<String, Object> manifest) {
        return (String) map(manifest.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    private static Map<String, String> stringMap(Map<String, Object> values) {
        Map<String, String> strings = new HashMap<>();
        values.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        return strings;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> manifests = new ArrayList<>();
        new Yaml().loadAll(yaml).forEach(document -> manifests.add((Map<String, Object>) document));
        return manifests;
    }

    private static String kustomize(String variant) throws InterruptedException {
        Commands.Result kubectl = Commands.run(null, Duration.ofSeconds(60), "kubectl", "kustomize",
                K8S.resolve(variant).toString());
        assertThat(kubectl.exitCode()).as("kubectl kustomize %s: %s", variant, kubectl.output()).isZero();
        return kubectl.output();
    }
}
