package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.schemas.Topics;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two ingest instances on one broker changing the same webhook at the same time: no change is lost or made over
 * one it did not see; If-Match is exact across instances; the audit log holds every accepted change once.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class ConcurrentWebhookChangesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HeraldInfrastructure infra;
    private static IngestServer first;
    private static IngestServer second;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        first = TestIngest.start(infra);
        second = TestIngest.start(infra);
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @Test
    void concurrentPatchesWithIfMatchAreEachAcceptedOnceOrRefusedWith412() throws Exception {
        String id = create("if-match race");
        int changes = 200;
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<Integer>> statuses = new ArrayList<>();
        try {
            for (int i = 0; i < changes; i++) {
                IngestServer server = i % 2 == 0 ? first : second;
                String description = "change " + i;
                statuses.add(clients.submit(() -> {
                    HttpResponse<String> read = call(server, "GET", id, null, null);
                    String etag = read.headers().firstValue("ETag").orElseThrow();
                    HttpResponse<String> patched = call(server, "PATCH", id, etag,
                            Map.of("description", description));
                    if (patched.statusCode() == 200) {
                        assertThat(patched.headers().firstValue("ETag")).contains(
                                "\"" + (Long.parseLong(etag.replace("\"", "")) + 1) + "\"");
                    } else {
                        assertThat(JSON.readTree(patched.body()).get("error").asText()).as(patched.body())
                                .isEqualTo("precondition_failed");
                    }
                    return patched.statusCode();
                }));
            }
            int accepted = 0;
            for (Future<Integer> status : statuses) {
                int code = status.get();
                assertThat(code).isIn(200, 412);
                accepted += code == 200 ? 1 : 0;
            }

            JsonNode last = JSON.readTree(call(first, "GET", id, null, null).body());
            assertThat(accepted).isPositive();
            assertThat(last.get("version").asLong()).as("one version per accepted change").isEqualTo(1 + accepted);
            List<AuditEntry> updates = audit(id).stream().filter(e -> e.getAction().equals("webhook.updated")).toList();
            assertThat(updates).as("every accepted change audited once").hasSize(accepted);
            assertThat(updates).extracting(e -> versionOf(e.getAfter())).doesNotHaveDuplicates();
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void withoutIfMatchEveryChangeIsMadeToTheLatestVersionNoneIsLost() throws Exception {
        String id = create("no if-match");
        int changes = 20;
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < changes; i++) {
                IngestServer server = i % 2 == 0 ? first : second;
                String description = "blind change " + i;
                answers.add(clients.submit(() -> call(server, "PATCH", id, null,
                        Map.of("description", description))));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
        JsonNode last = JSON.readTree(call(second, "GET", id, null, null).body());
        assertThat(last.get("version").asLong()).isEqualTo(1 + changes);
        assertThat(audit(id).stream().filter(e -> e.getAction().equals("webhook.updated")))
                .extracting(e -> versionOf(e.getAfter())).containsExactlyInAnyOrderElementsOf(
                        java.util.stream.LongStream.rangeClosed(2, 1 + changes).boxed().toList());
    }

    @Test
    void aStaleOrMalformedIfMatchIsRefusedAndNothingIsWritten() throws Exception {
        String id = create("stale");
        assertThat(call(first, "PATCH", id, null, Map.of("description", "v2")).statusCode()).isEqualTo(200);

        HttpResponse<String> stale = call(second, "PATCH", id, "\"1\"", Map.of("description", "from v1"));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(JSON.readTree(stale.body()).get("message").asText()).isEqualTo("webhook " + id
                + " is at version \"2\", not \"1\" (If-Match): it changed since it was read; read it again and make "
                + "the change to that version");
        HttpResponse<String> malformed = call(second, "DELETE", id, "7", null);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).get("fields").get(0).get("field").asText()).isEqualTo("If-Match");
        assertThat(call(second, "DELETE", id, "\"1\", W/\"2\"", null).statusCode()).as("weak tags never match")
                .isEqualTo(412);

        JsonNode kept = JSON.readTree(call(first, "GET", id, null, null).body());
        assertThat(kept.get("version").asLong()).isEqualTo(2);
        assertThat(kept.get("description").asText()).isEqualTo("v2");
        assertThat(call(first, "DELETE", id, "*", null).statusCode()).isEqualTo(204);
        assertThat(call(second, "PATCH", id, "*", Map.of("description", "gone")).statusCode()).isEqualTo(404);
    }

    private static String create(String name) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(
                        first.uri().resolve("/t/acme/api/v1/webhooks"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("name", name,
                        "url", "https://hooks.example.com/race", "eventTypes", List.of("user.*")))))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ACME_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("ETag")).contains("\"1\"");
        return JSON.readTree(created.body()).get("webhook").get("id").asText();
    }

    private static HttpResponse<String> call(IngestServer server, String method, String id, String ifMatch,
            Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve("/t/acme/api/v1/webhooks/" + id))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ACME_KEY);
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<AuditEntry> audit(String webhookId) {
        try (var values = HeraldSerdes.<AuditEntry>valueDeserializer(infra.registryUrl())) {
            return TopicRecords.all(infra.bootstrapServers(), Topics.AUDIT, new StringDeserializer(), values).stream()
                    .map(record -> record.value()).filter(entry -> webhookId.equals(entry.getWebhookId())).toList();
        }
    }

    private static long versionOf(String webhookJson) {
        try {
            return JSON.readTree(webhookJson).get("version").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
