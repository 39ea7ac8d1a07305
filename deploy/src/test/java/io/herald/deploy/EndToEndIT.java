package io.herald.deploy;

import io.herald.runtime.config.CommonSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.deliverer.DelivererConfig;
import io.herald.deliverer.HeraldDeliverer;
import io.herald.deliverer.retry.RetrySchedule;
import io.herald.ingest.IngestServer;
import io.herald.ingest.auth.ApiKeys;
import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublisherConfig;
import io.herald.ingest.webhooks.CreatedWebhook;
import io.herald.ingest.webhooks.WebhookDefinition;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.router.HeraldRouter;
import io.herald.router.RouterConfig;
import io.herald.router.health.EndpointHealthPolicy;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.IamEvents;
import io.herald.schemas.Topics;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.data.SecurityBruteForce;
import io.herald.schemas.data.UserCreated;
import io.herald.schemas.data.UserRoleChanged;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.schemas.event.IamEvent;
import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookVerifier;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import io.herald.testkit.WebhookReceiver.ReceivedRequest;
import io.herald.testkit.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(HeraldInfrastructureExtension.class)
class EndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_KEY = "hk_e2e_portal";
    private static final Map<String, String> WEBHOOK_ID_BY_PATH = new ConcurrentHashMap<>();

    private static HeraldInfrastructure infra;
    private static HeraldRouter router;
    private static HeraldDeliverer deliverer;
    private static HeraldPublisher publisher;
    private static WebhookStore store;
    private static IngestServer ingest;
    private static WebhookReceiver receiver;
    private static java.nio.file.Path routerState;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) throws Exception {
        infra = infrastructure;
        String keyRing = "e2e:" + SecretCipher.generateKey();
        SecretCipher cipher = SecretCipher.fromKeyRing(keyRing);
        receiver = WebhookReceiver.start();
        routerState = Files.createTempDirectory("e2e-router");
        // Short health and retry rules, so a failing webhook is disabled within seconds.
        router = HeraldRouter.start(RouterConfig.builder(infra.bootstrapServers(), infra.registryUrl(), "e2e-router",
                routerState).set(RouterConfig.DISABLE_AFTER_FAILURES, 3).set(RouterConfig.DISABLE_AFTER, Duration.ZERO)
                .build());
        deliverer = HeraldDeliverer.start(DelivererConfig.builder(infra.bootstrapServers(), infra.registryUrl(), keyRing)
                .set(DelivererConfig.GROUP_ID, "e2e-deliverer")
                .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofSeconds(10))
                .set(DelivererConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .set(DelivererConfig.RETRY_SCHEDULE, List.of(Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1)))
                .set(DelivererConfig.RETRY_JITTER_PERCENT, 0)
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8"))).build()); // the test receiver is on loopback
        publisher = HeraldPublisher.create(PublisherConfig.of(infra.bootstrapServers(), infra.registryUrl(), "e2e"));
        store = WebhookStore.create(infra.kafkaClients(), infra.registryEndpoint(), cipher,
                new ForbiddenAddresses(List.of(Cidr.parse("127.0.0.0/8"))));
        ingest = IngestServer.start(0, Map.of(
                "herald.kafka.bootstrap-servers", infra.bootstrapServers(),
                "herald.registry.url", infra.registryUrl(),
                "herald.secrets.keys", keyRing, // the deliverer must decrypt what the API encrypts
                "herald.ingest.api-keys", "*:e2e-operator:" + ApiKeys.hash(API_KEY), // tests use their own tenants
                "herald.ingest.allow-http", "true",
                "herald.ingest.ops-port", "0",
                "herald.egress.allowed-networks", "127.0.0.0/8"));
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        ingest.close();
        store.close();
        publisher.close();
        deliverer.close();
        router.close();
        receiver.close();
        org.apache.kafka.common.utils.Utils.delete(routerState.toFile());
    }

    @Test
    void deliversEachEventSignedToExactlyTheWebhooksThatSubscribedToIt() throws Exception {
        CreatedWebhook exact = register("acme", "/exact", List.of("auth.login.success"), true);
        CreatedWebhook users = register("acme", "/users", List.of("user.*"), true);
        CreatedWebhook all = register("acme", "/all", List.of("*"), true);
        CreatedWebhook inactive = register("acme", "/inactive", List.of("*"), false);
        CreatedWebhook globex = register("globex", "/globex", List.of("*"), true);
        awaitRouterKnows(exact, users, all, inactive, globex);

        IamEvent login = publish(IamEvents.of("acme", AuthLoginSucceeded.newBuilder().setUserId("usr_1")
                .setEmail("ada@acme.test").setIpAddress("198.51.100.4").setUserAgent("curl/8")
                .setMethod("password").build()));
        IamEvent roleChange = publish(IamEvents.of("acme", UserRoleChanged.newBuilder().setUserId("usr_1")
                .setPreviousRoles(List.of("viewer")).setCurrentRoles(List.of("admin")).setChangedBy("usr_0").build()));
        IamEvent bruteForce = publish(IamEvents.of("acme", SecurityBruteForce.newBuilder()
                .setIpAddress("203.0.113.66").setFailedAttempts(57).setWindowSeconds(60).setBlocked(true).build()));
        IamEvent globexUser = publish(IamEvents.of("globex", UserCreated.newBuilder().setUserId("usr_g")
                .setEmail("g@globex.test").build()));

        Map<CreatedWebhook, List<IamEvent>> expected = Map.of(
                exact, List.of(login),
                users, List.of(roleChange),
                all, List.of(login, roleChange, bruteForce),
                globex, List.of(globexUser));
        await().atMost(Duration.ofSeconds(60)).until(() -> expected.entrySet().stream()
                .allMatch(e -> receiver.requests(path(e.getKey())).size() >= e.getValue().size()));

        // Exactly these (event, webhook) pairs were routed: the router commits each event's fan-out atomically, and
        // every event above has reached at least one webhook, so all of its deliveries are visible by now.
        Set<String> eventIds = Set.of(login.getId(), roleChange.getId(), bruteForce.getId(), globexUser.getId());
        Set<String> expectedPairs = new HashSet<>();
        expected.forEach((webhook, events) -> events.forEach(e -> expectedPairs.add(e.getId() + "->" + webhook.id())));
        assertThat(routedPairs(eventIds)).containsExactlyInAnyOrderElementsOf(expectedPairs);

        for (Map.Entry<CreatedWebhook, List<IamEvent>> entry : expected.entrySet()) {
            List<ReceivedRequest> requests = receiver.requests(path(entry.getKey()));
            assertThat(requests).extracting(r -> JSON.readTree(r.body()).get("id").asText())
                    .containsExactlyInAnyOrderElementsOf(entry.getValue().stream().map(IamEvent::getId).toList());
            for (ReceivedRequest request : requests) {
                assertSignedBy(entry.getKey().signingSecret(), request);
            }
        }
        assertThat(receiver.requests("/inactive")).isEmpty();

        JsonNode loginBody = JSON.readTree(receiver.requests("/exact").get(0).body());
        assertThat(fieldNames(loginBody)).containsExactly("id", "type", "timestamp", "tenant", "data");
        assertThat(loginBody.get("type").asText()).isEqualTo("auth.login.success");
        assertThat(loginBody.get("tenant").asText()).isEqualTo("acme");
        assertThat(loginBody.get("timestamp").asText()).isEqualTo(login.getTimestamp().toString());
        assertThat(loginBody.get("data").get("userId").asText()).isEqualTo("usr_1");
        assertThat(loginBody.get("data").get("email").asText()).isEqualTo("ada@acme.test");
        assertThat(loginBody.get("data").get("ipAddress").asText()).isEqualTo("198.51.100.4");
        assertThat(loginBody.get("data").get("method").asText()).isEqualTo("password");
        JsonNode roleBody = JSON.readTree(receiver.requests("/users").get(0).body());
        assertThat(roleBody.get("data").get("currentRoles").get(0).asText()).isEqualTo("admin");
    }

    @Test
    void deliveriesVerifyWithThePublicReceiverLibraries() throws Exception {
        NodeVerifiers.assumeAvailable();
        CreatedWebhook webhook = store.create(new WebhookDefinition("npm-check", "npm", null, receiver.url("/npm"),
                List.of("auth.*", "security.*"), Map.of(), null, true).withAsymmetricSignature());
        awaitRouterKnows(webhook);
        publish(IamEvents.of("npm-check", AuthLoginSucceeded.newBuilder().setUserId("usr_ü").setMethod("sso")
                .setUserAgent("Mozilla/5.0 \"quoted\" ☃").build()));
        publish(IamEvents.of("npm-check", SecurityBruteForce.newBuilder().setIpAddress("198.51.100.9")
                .setFailedAttempts(12).setWindowSeconds(60).setBlocked(false).build()));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/npm").size() >= 2);

        List<Map<String, Object>> captured = receiver.requests("/npm").stream()
                .map(r -> Map.<String, Object>of("secret", webhook.signingSecret(),
                        "publicKey", webhook.publicKey().orElseThrow(), "body", r.body(), "headers", r.headers()))
                .toList();
        Commands.Result result = NodeVerifiers.verify(JSON.writeValueAsString(captured));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("node verifiers: 18 expectations met, 0 not met");
    }

    @Test
    void aWebhookManagedThroughTheApiReceivesEventsUntilItIsDeactivatedOrDeleted() throws Exception {
        JsonNode created = api("POST", "/t/api-e2e/api/v1/webhooks", Map.of("name", "via API",
                "url", receiver.url("/api"), "eventTypes", List.of("user.*")));
        String id = created.get("webhook").get("id").asText();
        String firstSecret = created.get("secret").asText();
        JsonNode sentinel = api("POST", "/t/api-e2e/api/v1/webhooks", Map.of("name", "sentinel",
                "url", receiver.url("/api-sentinel"), "eventTypes", List.of("user.*")));
        String sentinelId = sentinel.get("webhook").get("id").asText();
        awaitRouterVersion("api-e2e", id, 1);
        awaitRouterVersion("api-e2e", sentinelId, 1);

        IamEvent created1 = publish(IamEvents.of("api-e2e", UserCreated.newBuilder().setUserId("usr_1").build()));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/api").size() == 1);
        new WebhookVerifier(firstSecret).verify(receiver.requests("/api").get(0).body(),
                receiver.requests("/api").get(0).headers());

        // Rotation: during the overlap each delivery verifies with the old secret and with the new one.
        String secondSecret = api("POST", "/t/api-e2e/api/v1/webhooks/" + id + "/secret/rotate", null)
                .get("secret").asText();
        awaitRouterVersion("api-e2e", id, 2);
        publish(IamEvents.of("api-e2e", UserCreated.newBuilder().setUserId("usr_2").build()));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/api").size() == 2);
        ReceivedRequest rotated = receiver.requests("/api").get(1);
        assertThat(rotated.header("webhook-signature").split(" ")).hasSize(2);
        new WebhookVerifier(firstSecret).verify(rotated.body(), rotated.headers());
        new WebhookVerifier(secondSecret).verify(rotated.body(), rotated.headers());

        api("PATCH", "/t/api-e2e/api/v1/webhooks/" + id, Map.of("active", false));
        awaitRouterVersion("api-e2e", id, 3);
        IamEvent whileInactive = publish(IamEvents.of("api-e2e", UserCreated.newBuilder().setUserId("usr_3").build()));
        api("DELETE", "/t/api-e2e/api/v1/webhooks/" + id, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> !router.knowsWebhook("api-e2e", id));
        IamEvent afterDelete = publish(IamEvents.of("api-e2e", UserCreated.newBuilder().setUserId("usr_4").build()));

        // The sentinel got all four events: so every delivery of them has been routed, and none went to the
        // deactivated or deleted webhook.
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/api-sentinel").size() == 4);
        assertThat(routedPairs(Set.of(whileInactive.getId(), afterDelete.getId())))
                .containsExactlyInAnyOrder(whileInactive.getId() + "->" + sentinelId,
                        afterDelete.getId() + "->" + sentinelId);
        assertThat(receiver.requests("/api")).hasSize(2);
        assertThat(routedPairs(Set.of(created1.getId()))).contains(created1.getId() + "->" + id);
    }

    @Test
    void theTestCallSendsASignedSyntheticEventAndReportsWhatTheEndpointAnswered() throws Exception {
        receiver.respond("/api-broken", 500, Duration.ZERO);
        JsonNode healthy = api("POST", "/t/api-tests/api/v1/webhooks", Map.of("name", "tested",
                "url", receiver.url("/api-tested"), "eventTypes", List.of("security.*")));
        JsonNode broken = api("POST", "/t/api-tests/api/v1/webhooks", Map.of("name", "broken",
                "url", receiver.url("/api-broken"), "eventTypes", List.of("*")));

        JsonNode ok = api("POST", "/t/api-tests/api/v1/webhooks/" + healthy.get("webhook").get("id").asText()
                + "/test", Map.of("eventType", "security.impossible_travel"));
        JsonNode failed = api("POST", "/t/api-tests/api/v1/webhooks/" + broken.get("webhook").get("id").asText()
                + "/test", null);

        assertThat(ok.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(ok.get("httpStatus").asInt()).isEqualTo(204);
        assertThat(ok.get("eventType").asText()).isEqualTo("security.impossible_travel");
        ReceivedRequest sent = receiver.requests("/api-tested").get(0);
        new WebhookVerifier(healthy.get("secret").asText()).verify(sent.body(), sent.headers());
        assertThat(sent.header("webhook-id")).isEqualTo(ok.get("deliveryId").asText());
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.get("type").asText()).isEqualTo("security.impossible_travel");
        assertThat(body.get("data").get("distanceKm").asDouble()).isEqualTo(0.5);
        assertThat(failed.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(failed.get("httpStatus").asInt()).isEqualTo(500);
        assertThat(failed.get("responseExcerpt").asText()).contains("\"status\":500");
    }

    @Test
    void aWebhookThatKeepsFailingIsDisabledItsAdminsAreToldAndReEnablingRestartsDelivery() throws Exception {
        Instant testStart = Instant.now();
        receiver.respond("/health-failing", 503, Duration.ZERO);
        receiver.respond("/health-gone", 410, Duration.ZERO);
        String failing = createWebhook("health-e2e", "failing", "/health-failing", List.of("user.*"));
        String gone = createWebhook("health-e2e", "gone", "/health-gone", List.of("user.*"));
        String admin = createWebhook("health-e2e", "admin", "/health-admin", List.of("herald.webhook.disabled"));
        awaitRouterVersion("health-e2e", failing, 1);
        awaitRouterVersion("health-e2e", gone, 1);
        awaitRouterVersion("health-e2e", admin, 1);

        publish(IamEvents.of("health-e2e", UserCreated.newBuilder().setUserId("usr_h1").build()));

        // Three failed attempts, a second apart, disable the failing webhook; the 410 disables the other at once.
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/health-admin").size() >= 2);
        Map<String, JsonNode> notices = new java.util.HashMap<>();
        for (ReceivedRequest request : receiver.requests("/health-admin")) {
            JsonNode notice = JSON.readTree(request.body());
            assertThat(notice.get("type").asText()).isEqualTo("herald.webhook.disabled");
            assertThat(notice.get("tenant").asText()).isEqualTo("health-e2e");
            notices.put(notice.get("data").get("webhookId").asText(), notice.get("data"));
        }
        assertThat(notices.keySet()).containsExactlyInAnyOrder(failing, gone);
        JsonNode failingNotice = notices.get(failing);
        assertThat(failingNotice.get("webhookName").asText()).isEqualTo("failing");
        assertThat(failingNotice.get("consecutiveFailures").asInt()).isEqualTo(3);
        assertThat(failingNotice.get("lastHttpStatus").asInt()).isEqualTo(503);
        assertThat(failingNotice.get("reason").asText()).startsWith("3 attempts in a row failed");
        assertThat(notices.get(gone).get("reason").asText()).isEqualTo("the endpoint answered 410 Gone");
        assertThat(notices.get(gone).get("consecutiveFailures").asInt()).isEqualTo(1);

        JsonNode disabled = api("GET", "/t/health-e2e/api/v1/webhooks/" + failing, null);
        assertThat(disabled.get("active").asBoolean()).isFalse();
        assertThat(disabled.get("disabledReason").asText()).isEqualTo(failingNotice.get("reason").asText());
        assertThat(disabled.get("disabledAt").isNull()).isFalse();
        JsonNode audit = api("GET", "/t/health-e2e/api/v1/audit?webhookId=" + failing, null).get("items").get(0);
        assertThat(audit.get("action").asText()).isEqualTo("webhook.disabled");
        assertThat(audit.get("actor").asText()).isEqualTo("herald");

        // The retry queued before the webhook was disabled is skipped, never sent, and kept in the dead letters.
        await().atMost(Duration.ofSeconds(30)).until(() -> api("GET", "/t/health-e2e/api/v1/webhooks/" + failing
                + "/dead-letters", null).get("items").size() == 1);
        JsonNode deadLetter = api("GET", "/t/health-e2e/api/v1/webhooks/" + failing + "/dead-letters", null)
                .get("items").get(0);
        assertThat(deadLetter.get("reason").asText()).startsWith("webhook is disabled: 3 attempts in a row failed");
        assertThat(deadLetter.get("attempts")).extracting(a -> a.get("outcome").asText())
                .containsExactly("FAILED", "FAILED", "FAILED", "SKIPPED");
        JsonNode attempts = api("GET", "/t/health-e2e/api/v1/webhooks/" + failing + "/attempts", null).get("items");
        assertThat(attempts).extracting(a -> a.get("outcome").asText() + "#" + a.get("attempt").asInt())
                .containsExactly("SKIPPED#4", "FAILED#3", "FAILED#2", "FAILED#1");
        assertThat(receiver.requests("/health-failing")).hasSize(3);
        assertThat(receiver.requests("/health-gone")).hasSize(1);

        // Repaired and re-enabled, it gets what it missed by recovering its dead letters (same webhook-id, so a
        // receiver that did see it can tell), then new events; and its failure count starts afresh.
        receiver.respond("/health-failing", 204, Duration.ZERO);
        JsonNode enabled = api("PATCH", "/t/health-e2e/api/v1/webhooks/" + failing, Map.of("active", true));
        assertThat(enabled.get("active").asBoolean()).isTrue();
        assertThat(enabled.get("disabledReason").isNull()).isTrue();
        assertThat(enabled.get("disabledAt").isNull()).isTrue();
        JsonNode recovered = api("POST", "/t/health-e2e/api/v1/webhooks/" + failing + "/recover",
                Map.of("since", testStart.toString()));
        assertThat(recovered.get("resent").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/health-failing").size() == 4);
        ReceivedRequest missed = receiver.requests("/health-failing").get(3);
        assertThat(missed.header("webhook-id")).isEqualTo(receiver.requests("/health-failing").get(0)
                .header("webhook-id"));
        assertThat(JSON.readTree(missed.body()).get("data").get("userId").asText()).isEqualTo("usr_h1");

        awaitRouterVersion("health-e2e", failing, 3);
        publish(IamEvents.of("health-e2e", UserCreated.newBuilder().setUserId("usr_h2").build()));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/health-failing").size() == 5);
        assertThat(JSON.readTree(receiver.requests("/health-failing").get(4).body()).get("data").get("userId")
                .asText()).isEqualTo("usr_h2");
        assertThat(receiver.requests("/health-admin")).hasSize(2);
    }

    @Test
    void aReplayBackfillsANewWebhookWithTheEventsItMissedAndOnlyThose() throws Exception {
        Instant since = Instant.now();
        IamEvent first = publish(IamEvents.of("replay", UserCreated.newBuilder().setUserId("usr_r1").build()));
        publish(IamEvents.of("replay", AuthLoginSucceeded.newBuilder().setUserId("usr_r1").setMethod("password")
                .build()));
        IamEvent second = publish(IamEvents.of("replay", UserCreated.newBuilder().setUserId("usr_r2").build()));
        // Another tenant whose name starts like this one's: its events share the topic, never the webhook.
        publish(IamEvents.of("replay-x", UserCreated.newBuilder().setUserId("usr_x").build()));
        String webhook = createWebhook("replay", "backfill", "/replay", List.of("user.*"));
        String replays = "/t/replay/api/v1/webhooks/" + webhook + "/replays";

        JsonNode started = api("POST", replays, Map.of("since", since.toString()));
        assertThat(started.get("id").asText()).startsWith("rpl_");
        assertThat(started.get("since").asText()).as("to the millisecond, as Kafka's timestamps")
                .isEqualTo(since.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
        JsonNode done = awaitReplay(replays + "/" + started.get("id").asText());
        assertThat(done.get("deliveriesQueued").asLong()).isEqualTo(2);
        assertThat(done.get("eventsRead").asLong()).isGreaterThanOrEqualTo(2);

        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/replay").size() == 2);
        Map<String, String> webhookIdByEvent = new java.util.HashMap<>();
        for (ReceivedRequest request : receiver.requests("/replay")) {
            webhookIdByEvent.put(JSON.readTree(request.body()).get("id").asText(), request.header("webhook-id"));
        }
        assertThat(webhookIdByEvent).containsOnly(
                Map.entry(first.getId(), HeraldIds.deliveryId(first.getId(), webhook)),
                Map.entry(second.getId(), HeraldIds.deliveryId(second.getId(), webhook)));

        // Replayed again, the same deliveries arrive with the same webhook-id, so a receiver can drop them.
        awaitReplay(replays + "/" + api("POST", replays, Map.of("since", since.toString())).get("id").asText());
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/replay").size() == 4);
        assertThat(receiver.requests("/replay").subList(2, 4)).extracting(r -> r.header("webhook-id"))
                .containsExactlyInAnyOrderElementsOf(webhookIdByEvent.values());
    }

    @Test
    void recordsThatAreNotValidEventsAreQuarantinedAndRoutingGoesOn() throws Exception {
        String webhook = createWebhook("quarantine", "everything", "/quarantine", List.of("*"));
        awaitRouterVersion("quarantine", webhook, 1);
        IamEvent unknownType = IamEvents.of("quarantine", AuthLoginSucceeded.newBuilder().setUserId("usr_q")
                .setMethod("password").build());
        unknownType.setType("auth.login.teleported");
        IamEvent noTenant = IamEvents.of("quarantine", AuthLoginSucceeded.newBuilder().setUserId("usr_q")
                .setMethod("password").build());
        noTenant.setTenant("");

        IamEvent before = publish(IamEvents.of("quarantine", UserCreated.newBuilder().setUserId("usr_q1").build()));
        try (KafkaProducer<String, byte[]> raw =
                     new KafkaProducer<>(Map.of("bootstrap.servers",
                             infra.bootstrapServers()), new StringSerializer(),
                             new ByteArraySerializer());
             KafkaProducer<String, IamEvent> unchecked =
                     new KafkaProducer<>(Map.of("bootstrap.servers",
                             infra.bootstrapServers()), new StringSerializer(),
                             HeraldSerdes.<IamEvent>valueSerializer(infra.registryUrl()))) {
            raw.send(new ProducerRecord<>(Topics.USER_EVENTS, "quarantine:usr_q",
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
            unchecked.send(new ProducerRecord<>(Topics.USER_EVENTS,
                    "quarantine:usr_q", unknownType)).get();
            unchecked.send(new ProducerRecord<>(Topics.USER_EVENTS,
                    "quarantine:usr_q", noTenant)).get();
        }
        IamEvent after = publish(IamEvents.of("quarantine", UserCreated.newBuilder().setUserId("usr_q2").build()));

        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/quarantine").size() >= 2);
        assertThat(receiver.requests("/quarantine")).extracting(r -> JSON.readTree(r.body()).get("id").asText())
                .containsExactly(before.getId(), after.getId());
        List<String> reasons = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            reasons.clear();
            reasons.addAll(rejectedReasons("quarantine:usr_q"));
            return reasons.size() == 3;
        });
        assertThat(reasons).satisfiesExactly(
                reason -> assertThat(reason).startsWith("undecodable: "),
                reason -> assertThat(reason).contains("\"auth.login.teleported\" is not in the event catalog"),
                reason -> assertThat(reason).contains("tenant must be a slug"));
    }

    /** Reasons of the rejected records with this key, each with where it came from. */
    private static List<String> rejectedReasons(String key) {
        List<String> reasons = new ArrayList<>();
        for (var record : TopicRecords.all(infra.bootstrapServers(), Topics.REJECTED_EVENTS, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            if (key.equals(record.key())) {
                String from = new String(record.headers().lastHeader(Topics.REJECTED_FROM_HEADER).value(),
                        StandardCharsets.UTF_8);
                assertThat(from).startsWith(Topics.USER_EVENTS + "-");
                reasons.add(new String(record.headers().lastHeader(Topics.REJECTED_REASON_HEADER).value(),
                        StandardCharsets.UTF_8));
            }
        }
        return reasons;
    }

    @Test
    void theRoutersMetricsCountEveryRecordOfTheEventTopicsOnceAndItIsReady() throws Exception {
        publish(IamEvents.of("metrics", UserCreated.newBuilder().setUserId("usr_m").build()));
        // What the router must have seen: every record of the event topics, valid or quarantined.
        Map<String, Long> validByType = new java.util.TreeMap<>();
        long invalid = 0;
        for (String topic : Topics.eventTopics()) {
            for (var record : TopicRecords.all(infra.bootstrapServers(), topic, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                IamEvent event = decodeOrNull(topic, record.value());
                if (event != null && io.herald.schemas.IamEvents.problems(event).isEmpty()) {
                    validByType.merge(event.getType(), 1L, Long::sum);
                } else {
                    invalid++;
                }
            }
        }
        String metrics = "http://localhost:" + router.opsPort();
        long expectedInvalid = invalid;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String scraped = get(metrics + "/metrics").body();
            Map<String, Long> routed = new java.util.TreeMap<>();
            scraped.lines().filter(line -> line.startsWith("herald_events_routed_total{")).forEach(line -> {
                String type = line.substring(line.indexOf("type=\"") + 6);
                routed.put(type.substring(0, type.indexOf('"')),
                        (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                assertThat(line).contains("family=\"" + type.substring(0, type.indexOf('.')) + "\"");
            });
            assertThat(routed).isEqualTo(validByType);
            assertThat(scraped.lines().filter(line -> line.startsWith("herald_events_quarantined_total{"))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum())
                    .isEqualTo(expectedInvalid);
        });
        assertThat(get(metrics + "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(metrics + "/metrics").body())
                .contains("kafka_consumer_fetch_manager_records_lag_max", "herald_fanout_deliveries_total");
    }

    private static IamEvent decodeOrNull(String topic, byte[] value) {
        try (var deserializer = HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl())) {
            return value == null ? null : deserializer.deserialize(topic, value);
        } catch (RuntimeException undecodable) {
            return null;
        }
    }

    private static java.net.http.HttpResponse<String> get(String url) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitReplay(String path) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> !api("GET", path, null).get("state").asText()
                .equals("RUNNING"));
        JsonNode replay = api("GET", path, null);
        assertThat(replay.get("state").asText()).as(replay.toString()).isEqualTo("DONE");
        return replay;
    }

    private static String createWebhook(String tenant, String name, String path, List<String> eventTypes)
            throws Exception {
        return api("POST", "/t/" + tenant + "/api/v1/webhooks", Map.of("name", name, "url", receiver.url(path),
                "eventTypes", eventTypes)).get("webhook").get("id").asText();
    }

    private static JsonNode api(String method, String path, Object body) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(ingest.uri() + path))
                        .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + API_KEY)
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    private static void awaitRouterVersion(String tenant, String id, long version) {
        await().atMost(Duration.ofSeconds(30)).until(() -> router.knownVersion(tenant, id).orElse(0) >= version);
    }

    private static CreatedWebhook register(String tenant, String path, List<String> events, boolean active) {
        CreatedWebhook created = store.create(new WebhookDefinition(tenant, "e2e " + path, null, receiver.url(path),
                events, Map.of(), null, active));
        WEBHOOK_ID_BY_PATH.put(path, created.id());
        return created;
    }

    private static String path(CreatedWebhook webhook) {
        return java.net.URI.create(webhook.webhook().getUrl()).getPath();
    }

    private static void awaitRouterKnows(CreatedWebhook... webhooks) {
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of(webhooks).stream()
                .allMatch(w -> router.knowsWebhook(w.webhook().getTenant(), w.id())));
    }

    private static IamEvent publish(IamEvent event) throws Exception {
        publisher.publish(event).get(30, TimeUnit.SECONDS);
        return event;
    }

    private static void assertSignedBy(String secret, ReceivedRequest request) throws Exception {
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        assertThat(request.header("webhook-signature")).isEqualTo("v1," + Base64.getEncoder().encodeToString(
                hmac(key, id + "." + timestamp + "." + request.body())));
        assertThat(request.header("x-herald-signature")).isEqualTo("sha256=" + HexFormat.of().formatHex(
                hmac(secret.getBytes(StandardCharsets.UTF_8), request.body())));
        new WebhookVerifier(secret).verify(request.body(), request.headers()); // and Herald's own verifier agrees
        assertThat(id).isEqualTo(HeraldIds.deliveryId(JSON.readTree(request.body()).get("id").asText(),
                WEBHOOK_ID_BY_PATH.get(request.path())));
    }

    private static Set<String> routedPairs(Set<String> eventIds) {
        Set<String> pairs = new HashSet<>();
        for (Delivery delivery : allValues(Topics.DELIVERIES, Delivery.class)) {
            if (eventIds.contains(delivery.getEventId())) {
                pairs.add(delivery.getEventId() + "->" + delivery.getWebhookId());
            }
        }
        return pairs;
    }

    /** Every committed record of a topic so far. */
    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> allValues(String topic,
            Class<T> type) {
        return TopicRecords.all(infra.bootstrapServers(), topic, new StringDeserializer(),
                HeraldSerdes.<T>valueDeserializer(infra.registryUrl())).stream().map(r -> type.cast(r.value()))
                .toList();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static byte[] hmac(byte[] key, String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    }
}
