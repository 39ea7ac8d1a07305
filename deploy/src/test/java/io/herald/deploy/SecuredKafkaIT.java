package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.deliverer.DelivererConfig;
import io.herald.deliverer.HeraldDeliverer;
import io.herald.ingest.IngestServer;
import io.herald.ingest.auth.ApiKeys;
import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublishedEvent;
import io.herald.publisher.PublisherConfig;
import io.herald.router.HeraldRouter;
import io.herald.router.RouterConfig;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.TopicInstaller;
import io.herald.runtime.ops.DependencyCheck;
import io.herald.runtime.ops.HeraldMeters;
import io.herald.runtime.ops.OpsServer;
import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.IamEvents;
import io.herald.schemas.Topics;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.signatures.WebhookVerifier;
import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.testkit.RegistryProxy;
import io.herald.testkit.SchemaRegistryServer;
import io.herald.testkit.SecuredKafka;
import io.herald.testkit.WebhookReceiver;
import io.herald.testkit.WebhookReceiver.ReceivedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Herald on a cluster like a company's: the broker's only client listener is SASL_SSL (SCRAM-SHA-512 over TLS with
 * a CA made for the run), and the schema registry (already holding other teams' schemas) asks for basic auth.
 * Every service and the publisher connect through {@code herald.kafka.client.*} and {@code herald.registry.*}
 * alone; a recording proxy in front of the registry shows the credentials went with every request.
 */
class SecuredKafkaIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_KEY = "hk_secured_kafka_it";
    private static final String USER = "herald";
    private static final String PASSWORD = "scram-" + UUID.randomUUID();
    private static final String REGISTRY_USER = "herald-sr";
    private static final String REGISTRY_PASSWORD = "sr-" + UUID.randomUUID();
    private static final String REGISTRY_AUTHORIZATION = "Basic " + java.util.Base64.getEncoder().encodeToString(
            (REGISTRY_USER + ":" + REGISTRY_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
    private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private static Level rootLevel;

    private static Path directory;
    private static SecuredKafka kafka;
    private static SchemaRegistryServer registry;
    private static RegistryProxy registryProxy;
    private static HeraldRouter router;
    private static HeraldDeliverer deliverer;
    private static IngestServer ingest;
    private static HeraldPublisher publisher;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        // Everything Kafka's clients and Herald log at INFO (client configs included) is scanned for the secrets.
        rootLevel = ROOT.getLevel();
        ROOT.setLevel(Level.INFO);
        LOGS.start();
        ROOT.addAppender(LOGS);

        directory = Files.createTempDirectory("secured-kafka");
        kafka = SecuredKafka.start(directory);
        kafka.addScramUser(USER, PASSWORD);
        try (Admin admin = kafka.admin()) {
            new TopicInstaller(admin).install(Topics.all(), (short) 1);
        }
        registry = SchemaRegistryServer.start();
        registry.seedUnrelatedSchemas();
        registryProxy = RegistryProxy.start(registry.confluentApiUrl(), REGISTRY_AUTHORIZATION);
        RegistryEndpoint securedRegistry = RegistryEndpoint.of(registryProxy.url())
                .withBasicAuth(REGISTRY_USER, REGISTRY_PASSWORD);
        receiver = WebhookReceiver.start();
        Map<String, String> client = kafka.scramClientProperties(USER, PASSWORD);
        String keyRing = "sec:" + SecretCipher.generateKey();

        router = HeraldRouter.start(RouterConfig.builder(kafka.bootstrapServers(), registryProxy.url(),
                "secured-router", directory.resolve("router")).set(CommonSettings.KAFKA_CLIENT, client)
                .set(CommonSettings.REGISTRY_USERNAME, REGISTRY_USER)
                .set(CommonSettings.REGISTRY_PASSWORD, REGISTRY_PASSWORD).build());
        deliverer = HeraldDeliverer.start(DelivererConfig.builder(kafka.bootstrapServers(), registryProxy.url(),
                keyRing).set(DelivererConfig.GROUP_ID, "secured-deliverer")
                .set(CommonSettings.REGISTRY_USERNAME, REGISTRY_USER)
                .set(CommonSettings.REGISTRY_PASSWORD, REGISTRY_PASSWORD)
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8")))
                .set(CommonSettings.KAFKA_CLIENT, client).build());
        Map<String, Object> ingestProperties = new HashMap<>(Map.of(
                "herald.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "herald.registry.url", registryProxy.url(),
                "herald.registry.username", REGISTRY_USER,
                "herald.registry.password", REGISTRY_PASSWORD,
                "herald.secrets.keys", keyRing,
                "herald.ingest.api-keys", "*:secured-operator:" + ApiKeys.hash(API_KEY),
                "herald.ingest.allow-http", "true",
                "herald.ingest.ops-port", "0",
                "herald.egress.allowed-networks", "127.0.0.0/8"));
        ingestProperties.putAll(CommonSettings.KAFKA_CLIENT.keys(client));
        ingest = IngestServer.start(0, ingestProperties);
        publisher = HeraldPublisher.create(new PublisherConfig(kafka.bootstrapServers(), securedRegistry,
                "secured-login-service", PublisherConfig.DEFAULT_DELIVERY_TIMEOUT, Map.copyOf(client)));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable running : new AutoCloseable[] {publisher, ingest, deliverer, router, receiver, registryProxy,
                registry, kafka}) {
            try {
                if (running != null) {
                    running.close();
                }
            } catch (Exception e) {
                LoggerFactory.getLogger(SecuredKafkaIT.class).warn("closing {} failed", running, e);
            }
        }
        ROOT.detachAppender(LOGS);
        ROOT.setLevel(rootLevel);
    }

    @Test
    void anEventPublishedOverSaslSslReachesTheWebhookSignedAndNoSecretIsLogged() throws Exception {
        JsonNode created = api("POST", "/t/acme/api/v1/webhooks", Map.of("name", "over SASL_SSL",
                "url", receiver.url("/secured"), "eventTypes", List.of("auth.login.success")));
        String webhookId = created.get("webhook").get("id").asText();
        String secret = created.get("secret").asText();
        assertThat(api("GET", "/t/acme/api/v1/webhooks/" + webhookId, null).get("id").asText()).isEqualTo(webhookId);
        await().atMost(Duration.ofSeconds(30)).until(() -> router.knownVersion("acme", webhookId).orElse(0) >= 1);

        PublishedEvent published = publisher.publish(IamEvents.of("acme", AuthLoginSucceeded.newBuilder()
                .setUserId("usr_sasl").setMethod("password").setIpAddress("198.51.100.9").build())).get();

        await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.requests("/secured").isEmpty());
        ReceivedRequest delivery = receiver.requests("/secured").get(0);
        new WebhookVerifier(secret).verify(delivery.body(), delivery.headers());
        assertThat(JSON.readTree(delivery.body()).get("id").asText()).isEqualTo(published.eventId());
        // The event also went in over HTTP ingest: its transactional producer is on the secured cluster too.
        JsonNode posted = api("POST", "/t/acme/api/v1/events", Map.of("type", "auth.login.success",
                "data", Map.of("userId", "usr_http", "method", "passkey")));
        assertThat(posted.get("events").get(0).get("topic").asText()).isEqualTo("iam.auth");
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/secured").size() >= 2);

        List<String> lines = LOGS.list.stream().map(SecuredKafkaIT::text).toList();
        assertThat(lines).as("log lines captured").anyMatch(line -> line.contains("sasl.jaas.config"));
        assertThat(lines).noneMatch(line -> line.contains(PASSWORD))
                .noneMatch(line -> line.contains("ScramLoginModule"))
                .noneMatch(line -> line.contains(REGISTRY_PASSWORD))
                .noneMatch(line -> line.contains(REGISTRY_AUTHORIZATION.substring("Basic ".length())));
        // Publisher, ingest, router and deliverer all registered or fetched schemas, each with the credentials.
        assertThat(registryProxy.seen()).extracting(RegistryProxy.Seen::method).contains("POST", "GET");
        assertThat(registryProxy.seen()).allSatisfy(seen -> {
            assertThat(seen.authorization()).as(seen.path()).isEqualTo(REGISTRY_AUTHORIZATION);
            assertThat(seen.status()).as(seen.path()).isEqualTo(200);
        });
    }

    @Test
    void aWrongPasswordStopsTheServiceAndFailsReadinessNamingTheKeyNotTheSecret() throws Exception {
        String wrongPassword = "wrong-" + UUID.randomUUID();
        Map<String, String> wrong = kafka.scramClientProperties(USER, wrongPassword);
        DelivererConfig config = DelivererConfig.builder(kafka.bootstrapServers(), registry.confluentApiUrl(),
                "sec:" + SecretCipher.generateKey()).set(DelivererConfig.GROUP_ID, "wrong-password")
                .set(CommonSettings.KAFKA_CLIENT, wrong).build();

        assertThatThrownBy(() -> HeraldDeliverer.start(config))
                .isInstanceOf(io.herald.runtime.config.ConfigException.class)
                .hasMessageContaining("Kafka refused Herald's credentials")
                .hasMessageContaining("herald.kafka.client.sasl.jaas.config")
                .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512")
                .message().doesNotContain(wrongPassword).doesNotContain("ScramLoginModule");

        // A running service whose credentials stop working: readiness 503, saying why.
        KafkaClients refused = KafkaClients.from(io.herald.runtime.config.Settings.of(withClient(wrong)));
        try (DependencyCheck check = DependencyCheck.start(refused,
                RegistryEndpoint.of(registry.confluentApiUrl()));
             OpsServer ops = OpsServer.start(0, HeraldMeters.registry("wrong-password"), check::allUp,
                     check::problem)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> check.kafkaProblem().isPresent());
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + ops.port() + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).get("reason").asText())
                    .contains("herald.kafka.client.sasl.jaas.config").doesNotContain(wrongPassword);
        }
        assertThat(LOGS.list.stream().map(SecuredKafkaIT::text)).noneMatch(line -> line.contains(wrongPassword));
    }

    @Test
    void aRouterWhoseCredentialsAreRefusedStopsNamingTheKeyNotTheSecret() {
        String wrongPassword = "wrong-router-" + UUID.randomUUID();
        RouterConfig config = RouterConfig.builder(kafka.bootstrapServers(), registry.confluentApiUrl(),
                "refused-router", directory.resolve("refused-router"))
                .set(CommonSettings.KAFKA_CLIENT, kafka.scramClientProperties(USER, wrongPassword)).build();

        assertThatThrownBy(() -> HeraldRouter.start(config).close())
                .isInstanceOf(io.herald.runtime.config.ConfigException.class)
                .hasMessageContaining("Kafka refused Herald's credentials")
                .hasMessageContaining("herald.kafka.client.sasl.jaas.config")
                .message().doesNotContain(wrongPassword).doesNotContain("ScramLoginModule");
        assertThat(LOGS.list.stream().map(SecuredKafkaIT::text)).noneMatch(line -> line.contains(wrongPassword));
    }

    private static Map<String, String> withClient(Map<String, String> client) {
        Map<String, String> values = new HashMap<>(Map.of("herald.kafka.bootstrap-servers", kafka.bootstrapServers()));
        values.putAll(CommonSettings.KAFKA_CLIENT.keys(client));
        return values;
    }

    private static String text(ILoggingEvent event) {
        String thrown = event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy());
        return event.getFormattedMessage() + thrown;
    }

    private static JsonNode api(String method, String path, Object body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(ingest.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + API_KEY)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }
}
