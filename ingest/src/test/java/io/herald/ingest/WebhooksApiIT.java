package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static io.herald.ingest.TestIngest.GLOBEX_KEY;
import static io.herald.ingest.TestIngest.OPERATOR_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.herald.ingest.ApiClient.Reply;
import io.herald.schemas.Topics;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

@ExtendWith(HeraldInfrastructureExtension.class)
class WebhooksApiIT {

    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    private static HeraldInfrastructure infra;
    private static IngestServer server;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        LOGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        server = TestIngest.start(infra);
    }

    @AfterAll
    static void stop() {
        server.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    }

    @Test
    void createsReadsUpdatesReplacesAndDeletesAWebhook() throws Exception {
        Reply created = call("POST", "/t/acme/api/v1/webhooks", ACME_KEY, Map.of(
                "name", "SIEM", "url", "https://siem.acme.test/in", "eventTypes", List.of("security.*"),
                "headers", Map.of("X-Team", "sec"), "timeoutMs", 5000, "retrySchedule", List.of("30s", "5m", "2h")));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String id = created.body().get("webhook").get("id").asText();
        assertThat(created.body().get("secret").asText()).startsWith("whsec_");
        JsonNode webhook = created.body().get("webhook");
        assertThat(webhook.get("tenant").asText()).isEqualTo("acme");
        assertThat(webhook.get("version").asLong()).isEqualTo(1);
        assertThat(webhook.get("active").asBoolean()).isTrue();
        assertThat(webhook.toString()).doesNotContain("whsec_");

        Reply read = call("GET", "/t/acme/api/v1/webhooks/" + id, ACME_KEY, null);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("headers").get("X-Team").asText()).isEqualTo("sec");
        assertThat(read.body().get("retrySchedule").toString()).isEqualTo("[\"30s\",\"5m\",\"2h\"]");
        assertThat(read.body().toString()).doesNotContain("whsec_");

        Reply patched = call("PATCH", "/t/acme/api/v1/webhooks/" + id, ACME_KEY, Map.of("active", false,
                "auth", Map.of("type", "bearer", "token", "tok-patched")));
        assertThat(patched.status()).as(patched.body().toString()).isEqualTo(200);
        assertThat(patched.body().get("name").asText()).isEqualTo("SIEM");
        assertThat(patched.body().get("active").asBoolean()).isFalse();
        assertThat(patched.body().get("disabledReason").asText()).isEqualTo("disabled through the API");
        assertThat(patched.body().get("auth").get("type").asText()).isEqualTo("bearer");
        assertThat(patched.body().get("version").asLong()).isEqualTo(2);
        assertThat(patched.body().toString()).doesNotContain("tok-patched");

        Reply replaced = call("PUT", "/t/acme/api/v1/webhooks/" + id, ACME_KEY, Map.of(
                "name", "SIEM v2", "url", "https://siem2.acme.test/in", "eventTypes", List.of("auth.login.failure")));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.body().get("url").asText()).isEqualTo("https://siem2.acme.test/in");
        assertThat(replaced.body().get("active").asBoolean()).as("PUT replaces every setting").isTrue();
        assertThat(replaced.body().get("headers").size()).isZero();
        assertThat(replaced.body().get("version").asLong()).isEqualTo(3);

        assertThat(call("DELETE", "/t/acme/api/v1/webhooks/" + id, ACME_KEY, null).status()).isEqualTo(204);
        Reply gone = call("GET", "/t/acme/api/v1/webhooks/" + id, ACME_KEY, null);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body().get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void signaturesAreChosenPerWebhookAndTheEd25519PublicKeyIsShownToTheTenant() throws Exception {
        Reply created = call("POST", "/t/acme/api/v1/webhooks", ACME_KEY, Map.of("name", "signed",
                "url", "https://signed.acme.test/in", "eventTypes", List.of("*"),
                "signing", Map.of("ed25519", true, "heraldSignature", false)));
        assertThat(created.status()).isEqualTo(201);
        JsonNode signing = created.body().get("webhook").get("signing");
        assertThat(signing.get("ed25519PublicKey").asText()).startsWith("whpk_");
        assertThat(signing.get("heraldSignature").asBoolean()).isFalse();
        String id = created.body().get("webhook").get("id").asText();

        JsonNode read = call("GET", "/t/acme/api/v1/webhooks/" + id, ACME_KEY, null).body().get("signing");
        assertThat(read.get("ed25519PublicKey").asText()).isEqualTo(signing.get("ed25519PublicKey").asText());
        JsonNode switched = call("PATCH", "/t/acme/api/v1/webhooks/" + id, ACME_KEY,
                Map.of("signing", Map.of("ed25519", false, "heraldSignature", true))).body().get("signing");
        assertThat(switched.get("ed25519PublicKey").isNull()).isTrue();
        assertThat(switched.get("heraldSignature").asBoolean()).isTrue();
    }

    @Test
    void listsPageByPageWithFilters() throws Exception {
        String tenant = "acme";
        String first = create(tenant, ACME_KEY, "p1", List.of("user.*"), true);
        String second = create(tenant, ACME_KEY, "p2", List.of("security.brute_force"), false);
        String third = create(tenant, ACME_KEY, "p3", List.of("*"), true);

        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            Reply page = call("GET", "/t/acme/api/v1/webhooks?limit=2" + (cursor == null ? "" : "&after=" + cursor),
                    ACME_KEY, null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body().get("items").size()).isLessThanOrEqualTo(2);
            page.body().get("items").forEach(item -> all.add(item.get("id").asText()));
            cursor = page.body().get("nextCursor").isNull() ? null : page.body().get("nextCursor").asText();
        } while (cursor != null);
        assertThat(all).containsSubsequence(first, second, third).doesNotHaveDuplicates();

        assertThat(ids(call("GET", "/t/acme/api/v1/webhooks?limit=100&active=false", ACME_KEY, null)))
                .contains(second).doesNotContain(first, third);
        assertThat(ids(call("GET", "/t/acme/api/v1/webhooks?limit=100&eventType=user.created", ACME_KEY, null)))
                .contains(first, third).doesNotContain(second);
        Reply typo = call("GET", "/t/acme/api/v1/webhooks?eventType=user.craeted", ACME_KEY, null);
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.body().toString()).contains("closest: user.created");
    }

    @Test
    void rejectsAnInvalidWebhookNamingEveryBadFieldAndStoresNothing() throws Exception {
        int before = ids(call("GET", "/t/acme/api/v1/webhooks?limit=100", ACME_KEY, null)).size();

        Reply invalid = call("POST", "/t/acme/api/v1/webhooks", ACME_KEY, Map.of(
                "url", "http://hooks.acme.test/in",
                "eventTypes", List.of("user.craeted", "auth.*"),
                "headers", Map.of("webhook-signature", "forged"),
                "timeoutMs", 0,
                "retrySchedule", List.of("5 minutes"),
                "auth", Map.of("type", "bearer")));

        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("error").asText()).isEqualTo("invalid_webhook");
        Map<String, String> problems = new java.util.HashMap<>();
        invalid.body().get("fields").forEach(f -> problems.put(f.get("field").asText(), f.get("problem").asText()));
        assertThat(problems).containsOnlyKeys("name", "url", "eventTypes[0]", "headers.webhook-signature",
                "timeoutMs", "auth.token", "retrySchedule");
        assertThat(problems.get("retrySchedule")).isEqualTo("'5 minutes' is not a duration such as 500ms, 30s, 5m, 2h or 5d");
        assertThat(problems.get("url")).isEqualTo("must use https");
        assertThat(problems.get("eventTypes[0]")).contains("closest: user.created");
        assertThat(problems.get("name")).isEqualTo("is required");

        Reply metadata = call("POST", "/t/acme/api/v1/webhooks", ACME_KEY, Map.of("name", "x",
                "url", "https://169.254.169.254/latest", "eventTypes", List.of("*")));
        assertThat(metadata.body().get("fields").get(0).get("problem").asText())
                .isEqualTo("is not allowed: 169.254.169.254 is a link-local address (cloud metadata lives here)");
        Reply malformed = send("POST", "/t/acme/api/v1/webhooks", ACME_KEY, "{\"name\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().get("error").asText()).isEqualTo("malformed_json");
        Reply wrongType = send("POST", "/t/acme/api/v1/webhooks", ACME_KEY,
                "{\"name\":\"x\",\"url\":\"https://x.acme.test\",\"eventTypes\":[\"*\"],\"timeoutMs\":\"soon\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.body().get("fields").get(0).get("field").asText()).isEqualTo("timeoutMs");
        assertThat(ids(call("GET", "/t/acme/api/v1/webhooks?limit=100", ACME_KEY, null))).hasSize(before);
    }

    @Test
    void keysOnlyReachTheirOwnTenant() throws Exception {
        String acmeHook = create("acme", ACME_KEY, "mine", List.of("*"), true);

        assertThat(call("GET", "/t/acme/api/v1/webhooks", null, null).status()).isEqualTo(401);
        assertThat(call("GET", "/t/acme/api/v1/webhooks", "hk_wrong", null).status()).isEqualTo(401);
        assertThat(call("GET", "/t/acme/api/v1/webhooks/" + acmeHook, GLOBEX_KEY, null).status()).isEqualTo(404);
        assertThat(call("GET", "/t/globex/api/v1/webhooks/" + acmeHook, GLOBEX_KEY, null).status()).isEqualTo(404);
        assertThat(call("DELETE", "/t/acme/api/v1/webhooks/" + acmeHook, GLOBEX_KEY, null).status()).isEqualTo(404);
        assertThat(ids(call("GET", "/t/globex/api/v1/webhooks?limit=100", GLOBEX_KEY, null))).doesNotContain(acmeHook);
        assertThat(call("GET", "/t/acme/api/v1/webhooks/" + acmeHook, OPERATOR_KEY, null).status()).isEqualTo(200);
        assertThat(call("GET", "/t/acme/api/v1/webhooks/" + acmeHook, ACME_KEY, null).status()).isEqualTo(200);
    }

    @Test
    void rotationKeepsTheOldSecretSigningForTheOverlap() throws Exception {
        Reply created = call("POST", "/t/acme/api/v1/webhooks", ACME_KEY, Map.of("name", "rotating",
                "url", "https://r.acme.test/in", "eventTypes", List.of("*")));
        String id = created.body().get("webhook").get("id").asText();
        String original = created.body().get("secret").asText();

        Reply rotated = call("POST", "/t/acme/api/v1/webhooks/" + id + "/secret/rotate", ACME_KEY, null);
        assertThat(rotated.status()).isEqualTo(200);
        String next = rotated.body().get("secret").asText();
        assertThat(next).startsWith("whsec_").isNotEqualTo(original);
        JsonNode retiring = rotated.body().get("retiring").get(0);
        assertThat(retiring.get("secret").asText()).isEqualTo(original);
        assertThat(Instant.parse(retiring.get("expiresAt").asText()))
                .isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

        Reply revealed = call("POST", "/t/acme/api/v1/webhooks/" + id + "/secret/reveal", ACME_KEY, null);
        assertThat(revealed.body().get("secret").asText()).isEqualTo(next);
        Reply view = call("GET", "/t/acme/api/v1/webhooks/" + id, ACME_KEY, null);
        assertThat(view.body().get("signing").get("secretsInRotation").asInt()).isEqualTo(2);
    }

    @Test
    void everyChangeIsAuditedAndNoSecretEverAppearsInPlaintextOnATopicOrInTheLogs() throws Exception {
        Reply created = call("POST", "/t/globex/api/v1/webhooks", GLOBEX_KEY, Map.of("name", "audited",
                "url", "https://a.globex.test/in", "eventTypes", List.of("*"),
                "auth", Map.of("type", "basic", "username", "herald", "password", "pw-very-secret-123")));
        String id = created.body().get("webhook").get("id").asText();
        String secret = created.body().get("secret").asText();
        call("PATCH", "/t/globex/api/v1/webhooks/" + id, GLOBEX_KEY,
                Map.of("auth", Map.of("type", "bearer", "token", "tok-very-secret-456")));
        String rotatedSecret = call("POST", "/t/globex/api/v1/webhooks/" + id + "/secret/rotate", GLOBEX_KEY, null)
                .body().get("secret").asText();
        call("DELETE", "/t/globex/api/v1/webhooks/" + id, GLOBEX_KEY, null);

        List<AuditEntry> audit = auditOf(id);
        assertThat(audit).extracting(AuditEntry::getAction).containsExactly("webhook.created", "webhook.updated",
                "webhook.secret_rotated", "webhook.deleted");
        assertThat(audit).allSatisfy(entry -> assertThat(entry.getActor()).isEqualTo("key:globex-portal"));
        assertThat(audit.get(1).getBefore()).contains("\"auth\":\"basic:herald\"");
        assertThat(audit.get(1).getAfter()).contains("\"auth\":\"bearer\"");
        assertThat(audit.get(3).getAfter()).isNull();

        Reply served = call("GET", "/t/globex/api/v1/audit?webhookId=" + id, GLOBEX_KEY, null);
        assertThat(served.status()).isEqualTo(200);
        List<String> actions = new ArrayList<>();
        served.body().get("items").forEach(item -> actions.add(item.get("action").asText()));
        assertThat(actions).as("newest first").containsExactly("webhook.deleted", "webhook.secret_rotated",
                "webhook.updated", "webhook.created");
        assertThat(served.body().get("items").get(0).get("actor").asText()).isEqualTo("key:globex-portal");
        Reply paged = call("GET", "/t/globex/api/v1/audit?limit=1&webhookId=" + id + "&before="
                + served.body().get("items").get(1).get("id").asText(), GLOBEX_KEY, null);
        assertThat(paged.body().get("items").get(0).get("action").asText()).isEqualTo("webhook.updated");
        assertThat(call("GET", "/t/globex/api/v1/audit", ACME_KEY, null).status()).isEqualTo(404);

        List<String> plaintexts = List.of(secret.substring("whsec_".length()), rotatedSecret.substring(6),
                "pw-very-secret-123", "tok-very-secret-456");
        for (ConsumerRecord<byte[], byte[]> record : everyRecordOfEveryTopic()) {
            String raw = record.value() == null ? "" : new String(record.value(), StandardCharsets.ISO_8859_1);
            for (String plaintext : plaintexts) {
                assertThat(raw).as("record at %s-%d@%d", record.topic(), record.partition(), record.offset())
                        .doesNotContain(plaintext);
            }
        }
        for (ILoggingEvent event : List.copyOf(LOGS.list)) {
            for (String plaintext : plaintexts) {
                assertThat(event.getFormattedMessage()).doesNotContain(plaintext);
            }
        }
    }

    private static String create(String tenant, String key, String name, List<String> events, boolean active)
            throws Exception {
        Reply created = call("POST", "/t/" + tenant + "/api/v1/webhooks", key, Map.of("name", name,
                "url", "https://" + name + "." + tenant + ".test/in", "eventTypes", events, "active", active));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return created.body().get("webhook").get("id").asText();
    }

    private static List<String> ids(Reply page) {
        List<String> ids = new ArrayList<>();
        page.body().get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private static List<AuditEntry> auditOf(String webhookId) {
        try (var deserializer = HeraldSerdes.<AuditEntry>valueDeserializer(infra.registryUrl())) {
            return recordsOf(Set.of(Topics.AUDIT)).stream()
                    .map(r -> deserializer.deserialize(r.topic(), r.value()))
                    .filter(entry -> entry.getWebhookId().equals(webhookId))
                    .sorted(java.util.Comparator.comparing(AuditEntry::getAt).thenComparing(AuditEntry::getId))
                    .toList();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> everyRecordOfEveryTopic() throws Exception {
        try (var admin = infra.kafka().admin()) {
            return recordsOf(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                    .names().get());
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> recordsOf(Set<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = topics.stream()
                    .flatMap(t -> consumer.partitionsFor(t).stream())
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static Reply call(String method, String path, String key, Object body) throws Exception {
        return new ApiClient(server.uri()).call(method, path, key, body);
    }

    private static Reply send(String method, String path, String key, String body) throws Exception {
        return new ApiClient(server.uri()).send(method, path, key, body);
    }
}
