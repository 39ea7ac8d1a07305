package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.ingest.ApiClient.Reply;
import io.herald.schemas.Topics;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.data.HeraldWebhookDisabled;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.health.WebhookDisableRequest;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Herald's own disables are made by the ingest service, the one writer of webhooks, and only to the version whose
 * failures the router counted: racing an admin's change, exactly one of the two is made and the audit log says why.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class HeraldDisablesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static HeraldInfrastructure infra;
    private static IngestServer first;
    private static IngestServer second;
    private static ApiClient api;
    private static KafkaProducer<String, WebhookDisableRequest> router;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        first = TestIngest.start(infra);
        second = TestIngest.start(infra);
        api = new ApiClient(first.uri());
        router = new KafkaProducer<>(Map.of("bootstrap.servers", infra.bootstrapServers()), new StringSerializer(),
                HeraldSerdes.<WebhookDisableRequest>valueSerializer(infra.registryUrl()));
    }

    @AfterAll
    static void stop() {
        router.close();
        first.close();
        second.close();
    }

    @Test
    void aRequestForTheCurrentVersionDisablesItWithItsAuditEntryAndTheNoticeOnce() throws Exception {
        String id = create("failing");
        request(id, 1, "3 attempts in a row failed over 2 minutes; last: endpoint answered HTTP 502");
        JsonNode disabled = awaitInactive(id);
        assertThat(disabled.get("version").asLong()).isEqualTo(2);
        assertThat(disabled.get("disabledReason").asText()).startsWith("3 attempts in a row failed");

        request(id, 1, "again: the router asked twice before it saw the first one done");
        awaitRequestsCarriedOut();
        List<AuditEntry> audit = awaitAudit(id, 2);
        assertThat(audit).extracting(AuditEntry::getAction).containsExactly("webhook.created", "webhook.disabled");
        assertThat(audit.get(1).getActor()).isEqualTo("herald");

        List<ConsumerRecord<String, IamEvent>> notices = notices(id);
        assertThat(notices).as("one notice, from the disable that was made").hasSize(1);
        ConsumerRecord<String, IamEvent> notice = notices.get(0);
        assertThat(notice.key()).isEqualTo("acme:" + id);
        assertThat(new String(notice.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("herald.webhook.disabled");
        HeraldWebhookDisabled data = (HeraldWebhookDisabled) notice.value().getData();
        assertThat(data.getReason()).isEqualTo(disabled.get("disabledReason").asText());
        assertThat(data.getConsecutiveFailures()).isEqualTo(3);
    }

    @Test
    void aRequestForAVersionAnAdminChangedSinceIsSkippedAndTheAuditLogSaysSo() throws Exception {
        String id = create("repaired");
        Reply repaired = api.call("PATCH", "/t/acme/api/v1/webhooks/" + id, ACME_KEY,
                Map.of("url", "https://hooks.example.com/fixed"));
        assertThat(repaired.status()).isEqualTo(200);
        request(id, 1, "3 attempts in a row failed over 2 minutes; last: connection refused");

        List<AuditEntry> audit = awaitAudit(id, 3);
        assertThat(audit).extracting(AuditEntry::getAction)
                .containsExactly("webhook.created", "webhook.updated", "webhook.disable_skipped");
        JsonNode why = JSON.readTree(audit.get(2).getAfter());
        assertThat(why.get("countedVersion").asLong()).isEqualTo(1);
        assertThat(why.get("foundVersion").asLong()).isEqualTo(2);
        assertThat(why.get("reason").asText()).endsWith("connection refused");
        JsonNode kept = api.call("GET", "/t/acme/api/v1/webhooks/" + id, ACME_KEY).body();
        assertThat(kept.get("active").asBoolean()).isTrue();
        assertThat(kept.get("version").asLong()).isEqualTo(2);
        assertThat(notices(id)).isEmpty();
    }

    @Test
    void racingAnAdminsChangeExactlyOneOfTheTwoIsMadeEveryTime() throws Exception {
        for (int round = 0; round < 10; round++) {
            String id = create("race " + round);
            ApiClient admin = new ApiClient((round % 2 == 0 ? first : second).uri());
            CompletableFuture<Reply> change = CompletableFuture.supplyAsync(() -> {
                try {
                    return admin.call("PATCH", "/t/acme/api/v1/webhooks/" + id, ACME_KEY,
                            Map.of("description", "admin's change"), Map.of("If-Match", "\"1\""));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            request(id, 1, "the endpoint answered 410 Gone");
            int status = change.get().status();
            assertThat(status).isIn(200, 412);
            if (status == 200) { // the admin's change came first: the disable finds version 2 and is not made
                assertThat(awaitAudit(id, 3)).extracting(AuditEntry::getAction)
                        .containsExactly("webhook.created", "webhook.updated", "webhook.disable_skipped");
                JsonNode last = api.call("GET", "/t/acme/api/v1/webhooks/" + id, ACME_KEY).body();
                assertThat(last.get("active").asBoolean()).isTrue();
                assertThat(last.get("version").asLong()).isEqualTo(2);
            } else { // the disable came first: the admin's If-Match "1" is stale
                JsonNode last = awaitInactive(id);
                assertThat(last.get("version").asLong()).isEqualTo(2);
                assertThat(awaitAudit(id, 2)).extracting(AuditEntry::getAction)
                        .containsExactly("webhook.created", "webhook.disabled");
            }
        }
    }

    private static void request(String webhookId, long version, String reason) throws Exception {
        WebhookDisableRequest request = WebhookDisableRequest.newBuilder()
                .setTenant("acme").setWebhookVersion(version).setRequestedAt(Instant.now())
                .setNotice(HeraldWebhookDisabled.newBuilder().setWebhookId(webhookId).setWebhookName("hook")
                        .setReason(reason).setConsecutiveFailures(3).setFailingSince(Instant.now().minusSeconds(120))
                        .setLastHttpStatus(502).setLastError("endpoint answered HTTP 502").build())
                .build();
        router.send(new ProducerRecord<>(Topics.WEBHOOK_DISABLE_REQUESTS, WebhookKeys.of("acme", webhookId),
                request)).get();
    }

    /** Waits until the ingest instances' group has committed every request written so far. */
    private static void awaitRequestsCarriedOut() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", infra.bootstrapServers()))) {
            var partitions = admin.describeTopics(List.of(Topics.WEBHOOK_DISABLE_REQUESTS)).allTopicNames().get()
                    .get(Topics.WEBHOOK_DISABLE_REQUESTS).partitions().stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(Topics.WEBHOOK_DISABLE_REQUESTS,
                            p.partition())).toList();
            var ends = admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p,
                    p -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                var committed = admin.listConsumerGroupOffsets(
                        io.herald.ingest.webhooks.HeraldDisables.GROUP_ID).partitionsToOffsetAndMetadata().get();
                boolean done = partitions.stream().allMatch(p -> ends.get(p).offset() == 0
                        || (committed.get(p) != null && committed.get(p).offset() >= ends.get(p).offset()));
                if (done) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("the disable requests were not all carried out within " + WAIT);
        }
    }

    private static String create(String name) throws Exception {
        Reply created = api.call("POST", "/t/acme/api/v1/webhooks", ACME_KEY, Map.of("name", name,
                "url", "https://hooks.example.com/disables", "eventTypes", List.of("user.*")));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return created.body().get("webhook").get("id").asText();
    }

    private static JsonNode awaitInactive(String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode webhook = api.call("GET", "/t/acme/api/v1/webhooks/" + id, ACME_KEY).body();
            if (!webhook.get("active").asBoolean()) {
                return webhook;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("webhook " + id + " not disabled within " + WAIT);
    }

    /** The webhook's audit entries, oldest first, once there are {@code entries} of them. */
    private static List<AuditEntry> awaitAudit(String id, int entries) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<AuditEntry> found = List.of();
        while (System.nanoTime() < deadline) {
            try (var values = HeraldSerdes.<AuditEntry>valueDeserializer(infra.registryUrl())) {
                found = TopicRecords.all(infra.bootstrapServers(), Topics.AUDIT, new StringDeserializer(), values)
                        .stream().map(ConsumerRecord::value).filter(entry -> id.equals(entry.getWebhookId()))
                        .sorted(java.util.Comparator.comparing(AuditEntry::getAt)).toList();
            }
            if (found.size() >= entries) {
                return found;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("audit entries of " + id + " within " + WAIT + ": " + found);
    }

    private static List<ConsumerRecord<String, IamEvent>> notices(String id) {
        try (var values = HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl())) {
            return TopicRecords.all(infra.bootstrapServers(), Topics.HERALD_EVENTS, new StringDeserializer(), values)
                    .stream().filter(record -> ("acme:" + id).equals(record.key())).toList();
        }
    }
}
