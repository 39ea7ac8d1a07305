package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static io.herald.ingest.TestIngest.OPERATOR_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.ingest.ApiClient.Reply;
import io.herald.schemas.Topics;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import io.micronaut.web.router.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenant API keys created and revoked at runtime through the operator API, on two ingest instances: a key made on
 * one works on the other within seconds and stops as fast once revoked; scopes and expiry hold on every route.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class TenantKeysIT {

    private static final Duration PROPAGATION = Duration.ofSeconds(5);

    private static HeraldInfrastructure infra;
    private static IngestServer first;
    private static IngestServer second;
    private static ApiClient a;
    private static ApiClient b;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        first = TestIngest.start(infra);
        second = TestIngest.start(infra);
        a = new ApiClient(first.uri());
        b = new ApiClient(second.uri());
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @Test
    void aKeyCreatedOnOneInstanceWorksOnTheOtherAndStopsWhenRevokedThere() throws Exception {
        Reply created = a.call("POST", "/api/v1/api-keys", OPERATOR_KEY,
                Map.of("tenant", "acme", "name", "ci-deployer", "scope", "admin"));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String key = created.body().get("key").asText();
        String id = created.body().get("apiKey").get("id").asText();
        assertThat(key).startsWith("hk_").hasSizeGreaterThan(40);
        assertThat(id).startsWith("key_");
        assertThat(created.body().get("apiKey").get("state").asText()).isEqualTo("active");
        assertThat(created.body().get("apiKey").get("createdBy").asText()).isEqualTo("operator:ops");
        assertThat(a.call("GET", "/t/acme/api/v1/webhooks", key, null).status()).as("at once where it was made")
                .isEqualTo(200);

        assertThat(within(PROPAGATION, () -> b.call("GET", "/t/acme/api/v1/webhooks", key, null).status(), 200))
                .as("on the other instance within 5 s").isTrue();
        assertThat(b.call("GET", "/t/globex/api/v1/webhooks", key, null).status()).as("another tenant")
                .isEqualTo(404);
        JsonNode listed = b.call("GET", "/api/v1/api-keys?tenant=acme", OPERATOR_KEY, null).body().get("items");
        assertThat(listed.findValuesAsText("id")).contains(id);
        assertThat(listed.toString()).doesNotContain(key).doesNotContain("keyHash");

        Reply revoked = b.call("DELETE", "/api/v1/api-keys/" + id, OPERATOR_KEY, null);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body().get("state").asText()).isEqualTo("revoked");
        assertThat(b.call("GET", "/t/acme/api/v1/webhooks", key, null).status()).isEqualTo(401);
        assertThat(within(PROPAGATION, () -> a.call("GET", "/t/acme/api/v1/webhooks", key, null).status(), 401))
                .as("refused on the other instance within 5 s").isTrue();
        assertThat(a.call("DELETE", "/api/v1/api-keys/" + id, OPERATOR_KEY, null).body().get("revokedBy").asText())
                .as("revoking again changes nothing").isEqualTo("operator:ops");

        JsonNode audit = a.call("GET", "/t/acme/api/v1/audit?webhookId=" + id, ACME_KEY, null).body().get("items");
        assertThat(audit.findValuesAsText("action")).containsExactlyInAnyOrder("api_key.created", "api_key.revoked");
        assertThat(audit.findValuesAsText("actor")).containsOnly("operator:ops");

        // Only the hash is stored: the key is on no topic.
        for (String topic : List.of(Topics.API_KEYS, Topics.AUDIT)) {
            TopicRecords.all(infra.bootstrapServers(), topic, new StringDeserializer(), new ByteArrayDeserializer())
                    .forEach(record -> assertThat(new String(record.value(), StandardCharsets.ISO_8859_1))
                            .as(topic).doesNotContain(key));
        }
    }

    @Test
    void aReadOnlyKeyReadsAndGets403OnEveryWriteRoute() throws Exception {
        String key = create("auditor", "read-only", null);
        assertThat(within(PROPAGATION, () -> b.call("GET", "/t/acme/api/v1/webhooks", key, null).status(), 200))
                .isTrue();
        assertThat(b.call("GET", "/t/acme/api/v1/audit", key, null).status()).isEqualTo(200);

        List<String> writes = new ArrayList<>();
        first.bean(Router.class).uriRoutes().forEach(route -> {
            String template = route.getUriMatchTemplate().toPathString();
            if (template.startsWith("/t/{tenant}/") && !List.of("GET", "HEAD", "OPTIONS")
                    .contains(route.getHttpMethodName())) {
                writes.add(route.getHttpMethodName() + " " + template);
            }
        });
        assertThat(writes).contains("POST /t/{tenant}/api/v1/webhooks", "POST /t/{tenant}/api/v1/events");
        for (String write : writes) {
            String method = write.substring(0, write.indexOf(' '));
            String path = write.substring(write.indexOf(' ') + 1).replace("{tenant}", "acme")
                    .replaceAll("\\{[^}]+}", "wh_00000000000000000000000000");
            Reply reply = a.call(method, path, key, Map.of("name", "x"));
            assertThat(reply.status()).as(write + ": " + reply.body()).isEqualTo(403);
            assertThat(reply.body().get("error").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void anExpiredKeyIsRefusedAndTheOperatorApiIsForOperatorsOnly() throws Exception {
        String key = create("short-lived", "admin", Instant.now().plusSeconds(2).toString());
        assertThat(a.call("GET", "/t/acme/api/v1/webhooks", key, null).status()).isEqualTo(200);
        assertThat(within(Duration.ofSeconds(8), () -> a.call("GET", "/t/acme/api/v1/webhooks", key, null).status(),
                401)).as("refused once expired").isTrue();
        assertThat(a.call("GET", "/api/v1/api-keys?tenant=acme", OPERATOR_KEY, null).body().get("items").toString())
                .contains("\"state\":\"expired\"");

        assertThat(a.call("POST", "/api/v1/api-keys", ACME_KEY, Map.of("tenant", "acme", "name", "mine",
                "scope", "admin")).status()).as("a tenant key").isEqualTo(403);
        assertThat(a.call("GET", "/api/v1/api-keys?tenant=acme", null, null).status()).isEqualTo(401);
        Reply invalid = a.call("POST", "/api/v1/api-keys", OPERATOR_KEY, Map.of("tenant", "Not A Slug",
                "name", "bad name!", "scope", "owner", "expiresAt", "2020-01-01T00:00:00Z"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("fields").findValuesAsText("field"))
                .containsExactly("tenant", "name", "scope", "expiresAt");
        assertThat(a.call("DELETE", "/api/v1/api-keys/key_00000000000000000000000000", OPERATOR_KEY, null).status())
                .isEqualTo(404);
    }

    private static String create(String name, String scope, String expiresAt) throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("tenant", "acme", "name", name, "scope", scope));
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt);
        }
        Reply created = a.call("POST", "/api/v1/api-keys", OPERATOR_KEY, body);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return created.body().get("key").asText();
    }

    interface Status {
        int get() throws Exception;
    }

    /** Whether the status is answered within the time (polled every 50 ms). */
    private static boolean within(Duration time, Status status, int expected) throws Exception {
        long deadline = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < deadline) {
            if (status.get() == expected) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
