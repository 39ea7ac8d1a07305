package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.bigIntegers;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.ingest.events.EventIntake;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * A careless or hostile client against a real ingest on a real broker: every bad request gets a 4xx in Herald's
 * shape naming the problem (never a 5xx while Kafka is up), and a valid event posted right after each one is
 * published, once. The corpus holds what broke ingest before, then values generated with QuickTheories.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class HostileRequestsIT {

    private static final String EVENTS = "/t/acme/api/v1/events";
    private static final String WEBHOOKS = "/t/acme/api/v1/webhooks";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger VALID = new AtomicInteger();

    private static HeraldInfrastructure infra;
    private static IngestServer server;
    /** Where each valid event posted between the bad ones was published, by id. */
    private static final Map<String, JsonNode> published = new HashMap<>();

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        server = TestIngest.start(infra);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private static Reply send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + ACME_KEY);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        return new Reply(response.statusCode(), json, response);
    }

    private static Reply postEvent(String json) throws Exception {
        return send("POST", EVENTS, "application/json", json);
    }

    /** A 4xx in Herald's shape, {error, message, fields}, naming the field expected (when one is). */
    private static void assertRefused(String what, Reply reply, int status, String field) {
        assertThat(reply.status()).as(what + ": " + reply.body()).isEqualTo(status);
        JsonNode body = reply.body();
        assertThat(body.path("error").asText()).as(what + ": error code").isNotBlank();
        assertThat(body.path("message").asText()).as(what + ": message").isNotBlank();
        assertThat(body.path("fields").isArray()).as(what + ": fields").isTrue();
        assertThat(body.toString()).as(what + ": no internal exception text").doesNotContain("Exception")
                .doesNotContain("_links").doesNotContain("\tat ");
        if (field != null) {
            assertThat(body.path("fields").findValuesAsText("field")).as(what + ": " + body).contains(field);
            body.path("fields").forEach(problem -> assertThat(problem.path("problem").asText()).isNotBlank());
        }
    }

    /** Posts a valid event and checks it was published; called after every bad request. */
    private static void aValidEventStillGoesThrough(String after) throws Exception {
        String id = "evt_hostile_valid_" + VALID.incrementAndGet();
        Reply reply = postEvent("{\"id\":\"" + id + "\",\"type\":\"user.created\",\"data\":{\"userId\":\"usr_"
                + id + "\"}}");
        assertThat(reply.status()).as("a valid event right after " + after + ": " + reply.body()).isEqualTo(200);
        JsonNode event = reply.body().path("events").get(0);
        assertThat(event.path("duplicate").asBoolean()).isFalse();
        published.put(id, event);
    }

    private static String bruteForce(String failedAttempts, String windowSeconds, String blocked) {
        return "{\"type\":\"security.brute_force\",\"data\":{\"ipAddress\":\"203.0.113.9\",\"failedAttempts\":"
                + failedAttempts + ",\"windowSeconds\":" + windowSeconds + ",\"blocked\":" + blocked + "}}";
    }

    private static String impossibleTravel(String distanceKm, String elapsedSeconds) {
        return "{\"type\":\"security.impossible_travel\",\"data\":{\"userId\":\"usr_1\",\"previousIpAddress\":\"a\","
                + "\"currentIpAddress\":\"b\",\"distanceKm\":" + distanceKm + ",\"elapsedSeconds\":" + elapsedSeconds
                + "}}";
    }

    private static String webhook(String extraFields) {
        return "{\"name\":\"hostile\",\"url\":\"https://hooks.acme.test/in\",\"eventTypes\":[\"*\"]" + extraFields
                + "}";
    }

    @Test
    void theRequestsThatBrokeIngestGetPrecise4xxAndTheNextValidEventIsPublished() throws Exception {
        record Case(String what, String method, String path, String contentType, String body, int status,
                String field) {
        }
        String lockout = "{\"type\":\"security.account_lockout\",\"data\":{\"userId\":\"usr_1\",\"reason\":\"r\","
                + "\"failedAttempts\":5,\"lockedUntil\":\"+1000000000-12-31T23:59:59Z\"}}";
        List<Case> corpus = List.of(
                new Case("a far-out event time", "POST", EVENTS, "application/json", "{\"type\":\"user.created\","
                        + "\"timestamp\":\"+1000000000-12-31T23:59:59Z\",\"data\":{\"userId\":\"u\"}}", 422,
                        "timestamp"),
                new Case("a far-out data time", "POST", EVENTS, "application/json", lockout, 422, "data.lockedUntil"),
                new Case("null for an int", "POST", EVENTS, "application/json", bruteForce("null", "60", "true"),
                        422, "data.failedAttempts"),
                new Case("null for a boolean", "POST", EVENTS, "application/json", bruteForce("1", "60", "null"),
                        422, "data.blocked"),
                new Case("null for a double", "POST", EVENTS, "application/json", impossibleTravel("null", "5"),
                        422, "data.distanceKm"),
                new Case("null for a long", "POST", EVENTS, "application/json", impossibleTravel("1.5", "null"),
                        422, "data.elapsedSeconds"),
                new Case("an int of 2^32", "POST", EVENTS, "application/json", bruteForce("4294967296", "60",
                        "true"), 422, "data.failedAttempts"),
                new Case("a string for an int", "POST", EVENTS, "application/json", bruteForce("\"5\"", "60",
                        "true"), 422, "data.failedAttempts"),
                new Case("a string for a boolean", "POST", EVENTS, "application/json", bruteForce("5", "60",
                        "\"true\""), 422, "data.blocked"),
                new Case("a string for a double", "POST", EVENTS, "application/json", impossibleTravel("\"5\"",
                        "5"), 422, "data.distanceKm"),
                new Case("a string for a long", "POST", EVENTS, "application/json", impossibleTravel("5", "\"5\""),
                        422, "data.elapsedSeconds"),
                new Case("2^64 for an int (was stored as 0)", "POST", EVENTS, "application/json",
                        bruteForce("18446744073709551616", "60", "true"), 422, "data.failedAttempts"),
                new Case("2^63 for a long (was wrapped)", "POST", EVENTS, "application/json",
                        impossibleTravel("5", "9223372036854775808"), 422, "data.elapsedSeconds"),
                new Case("1e30 for a long (was clamped)", "POST", EVENTS, "application/json",
                        impossibleTravel("5", "1e30"), 422, "data.elapsedSeconds"),
                new Case("1e400 for a double (was \"Infinity\")", "POST", EVENTS, "application/json",
                        impossibleTravel("1e400", "5"), 422, "data.distanceKm"),
                new Case("a lone surrogate (was \"a?b\")", "POST", EVENTS, "application/json",
                        "{\"type\":\"user.created\",\"data\":{\"userId\":\"a\\ud800b\"}}", 422, "data.userId"),
                new Case("a 2 MB string (was 503: retried forever)", "POST", EVENTS, "application/json",
                        "{\"type\":\"user.created\",\"data\":{\"userId\":\"" + "x".repeat(2_000_000) + "\"}}", 422,
                        "event"),
                new Case("an event body over the request limit", "POST", EVENTS, "application/json",
                        "{\"type\":\"user.created\",\"data\":{\"userId\":\"" + "x".repeat(5_000_000) + "\"}}", 413,
                        "body"),
                new Case("a 9 MB management body", "POST", WEBHOOKS, "application/json", webhook(
                        ",\"description\":\"" + "d".repeat(9_000_000) + "\""), 413, "body"),
                new Case("1,000 unknown event types of 900 characters", "POST", WEBHOOKS, "application/json",
                        "{\"name\":\"n\",\"url\":\"https://hooks.acme.test/in\",\"eventTypes\":[" + String.join(",",
                                java.util.Collections.nCopies(1000, "\"" + "q".repeat(900) + "\"")) + "]}", 422,
                        "eventTypes"),
                new Case("timeoutMs: 1.5", "POST", WEBHOOKS, "application/json", webhook(",\"timeoutMs\":1.5"), 400,
                        "timeoutMs"),
                new Case("timeoutMs: true", "POST", WEBHOOKS, "application/json", webhook(",\"timeoutMs\":true"),
                        400, "timeoutMs"),
                new Case("name: 123", "POST", WEBHOOKS, "application/json",
                        "{\"name\":123,\"url\":\"https://hooks.acme.test/in\",\"eventTypes\":[\"*\"]}", 400, "name"),
                new Case("active: \"yes\" (silently disabled the webhook)", "POST", WEBHOOKS, "application/json",
                        webhook(",\"active\":\"yes\""), 400, "active"),
                new Case("a header value that is a number", "POST", WEBHOOKS, "application/json",
                        webhook(",\"headers\":{\"X-Tenant\":5}"), 400, "headers.X-Tenant"),
                new Case("auth that is a string", "POST", WEBHOOKS, "application/json", webhook(",\"auth\":\"bearer\""),
                        400, "auth"),
                new Case("a replay since that is a number", "POST", WEBHOOKS + "/wh_missing/replays",
                        "application/json", "{\"since\":12}", 400, "since"),
                new Case("no body", "POST", WEBHOOKS, "application/json", null, 400, "body"),
                new Case("a body that is an array", "POST", WEBHOOKS, "application/json", "[1]", 400, "body"),
                new Case("malformed JSON", "POST", EVENTS, "application/json", "{\"type\":", 400, null),
                new Case("text instead of JSON", "POST", WEBHOOKS, "text/plain", "name=x", 415, null),
                new Case("an unknown route", "GET", "/t/acme/api/v1/nothing", null, null, 404, null),
                new Case("a method the route lacks", "DELETE", WEBHOOKS, null, null, 405, null),
                new Case("?limit=0", "GET", WEBHOOKS + "?limit=0", null, null, 400, "limit"),
                new Case("?limit=abc", "GET", "/t/acme/api/v1/audit?limit=abc", null, null, 400, "limit"),
                new Case("?active=maybe (was read as false)", "GET", WEBHOOKS + "?active=maybe", null, null, 400,
                        "active"),
                new Case("?eventType= unknown", "GET", WEBHOOKS + "?eventType=user.nope", null, null, 400,
                        "eventType"));

        for (Case bad : corpus) {
            Reply reply = send(bad.method(), bad.path(), bad.contentType(), bad.body());
            assertRefused(bad.what(), reply, bad.status(), bad.field());
            aValidEventStillGoesThrough(bad.what());
        }
        assertEveryValidEventIsOnItsTopicOnce();
    }

    @Test
    void aFarOutTimestampPostedAgainAndAgainNeverStopsTheValidPostsBetweenThem() throws Exception {
        String farOut = "{\"type\":\"user.created\",\"timestamp\":\"+1000000000-12-31T23:59:59Z\",\"data\":{"
                + "\"userId\":\"u\"}}";
        for (int i = 0; i < 25; i++) {
            assertRefused("far-out timestamp #" + i, postEvent(farOut), 422, "timestamp");
            aValidEventStillGoesThrough("far-out timestamp #" + i);
        }
        assertEveryValidEventIsOnItsTopicOnce();
    }

    /**
     * Random event types with one data field, or one envelope field, replaced by a random JSON value (QuickTheories
     * shrinks a failing case to a small one and reports its seed).
     */
    @Test
    void generatedHostileEventsNeverGetA5xxAndNeverStopValidOnes() {
        List<EventType> types = EventCatalog.get().types().stream().filter(t -> !t.emittedByHerald()).toList();
        Gen<String> hostileValues = Generate.oneOf(
                Generate.pick(List.of("null", "true", "[]", "{}", "1e400", "-1e400", "1.5", "5.0", "1e3", "-0",
                        "0.1e-400", "\"\\ud800\"", "\"\\udfff x\"", "\"+999999999-01-01T00:00:00Z\"", "\"\"",
                        "\"2026-02-30T00:00:00Z\"", "[null]", "[1,\"a\",{}]", "{\"a\":{\"b\":[[]]}}")),
                bigIntegers().ofBytes(10).map(big -> big.toString()),
                longs().all().map(value -> Long.toString(value)),
                doubles().any().map(d -> Double.isFinite(d) ? Double.toString(d) : "1e999"),
                strings().allPossible().ofLengthBetween(0, 40).map(HostileRequestsIT::jsonString));
        Gen<String> where = Generate.pick(List.of("data", "data", "data", "timestamp", "id", "type", "source",
                "tenant", "extra"));

        qt().withExamples(50).withShrinkCycles(20)
                .forAll(Generate.pick(types), integers().between(0, 99), hostileValues, where)
                .checkAssert((type, fieldIndex, value, field) -> unchecked(() -> {
                    String event = hostileEvent(type, fieldIndex, value, field);
                    Reply reply = postEvent(event);
                    assertThat(reply.status()).as(event + " -> " + reply.body()).isIn(200, 400, 422);
                    if (reply.status() != 200) {
                        assertRefused(event, reply, reply.status(), null);
                    }
                    aValidEventStillGoesThrough(event);
                }));
        assertEveryValidEventIsOnItsTopicOnce();
    }

    private interface HttpStep {
        void run() throws Exception;
    }

    private static void unchecked(HttpStep step) {
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hostileEvent(EventType type, int fieldIndex, String value, String where) {
        ObjectNode data = JSON.createObjectNode();
        List<Schema.Field> fields = type.dataSchema().getFields();
        for (Schema.Field field : fields) {
            data.set(field.name(), validValue(field.schema()));
        }
        ObjectNode event = JSON.createObjectNode().put("type", type.name());
        event.set("data", data);
        String hostileField = where.equals("data") ? fields.get(fieldIndex % fields.size()).name() : where;
        String marker = "\"__HOSTILE__\"";
        if (where.equals("data")) {
            data.put(hostileField, "__HOSTILE__");
        } else {
            event.put(hostileField, "__HOSTILE__");
        }
        return event.toString().replace(marker, value);
    }

    private static JsonNode validValue(Schema schema) {
        return switch (schema.getType()) {
            case UNION -> JSON.nullNode();
            case STRING -> JSON.getNodeFactory().textNode("v");
            case INT -> JSON.getNodeFactory().numberNode(1);
            case LONG -> schema.getLogicalType() != null ? JSON.getNodeFactory().textNode("2026-12-01T00:00:00Z")
                    : JSON.getNodeFactory().numberNode(1L);
            case DOUBLE, FLOAT -> JSON.getNodeFactory().numberNode(0.5);
            case BOOLEAN -> JSON.getNodeFactory().booleanNode(true);
            case ARRAY -> JSON.createArrayNode();
            case MAP -> JSON.createObjectNode();
            case ENUM -> JSON.getNodeFactory().textNode(schema.getEnumSymbols().get(0));
            default -> JSON.nullNode();
        };
    }

    private static String jsonString(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSubjectlessEventIsKeyedTenantColonAsDocumented() throws Exception {
        Reply reply = postEvent("{\"id\":\"evt_hostile_no_user\",\"type\":\"auth.login.failure\",\"data\":{"
                + "\"userId\":null,\"identifier\":\"nobody@acme.test\",\"method\":\"password\","
                + "\"reason\":\"unknown_user\"}}");

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        assertThat(recordAt(reply.body().path("events").get(0)).key()).isEqualTo("acme:");
    }

    @Test
    void aFencedProducerIsReplacedAndPublishingGoesOn() throws Exception {
        String transactionalId = server.bean(EventIntake.class).transactionalId();
        try (KafkaProducer<String, String> usurper = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId), new StringSerializer(),
                new StringSerializer())) {
            usurper.initTransactions(); // fences the intake's producer
        }

        Reply fenced = postEvent("{\"type\":\"user.created\",\"data\":{\"userId\":\"usr_fenced\"}}");
        assertRefused("a request on the fenced producer", fenced, 503, null);
        assertThat(fenced.raw().headers().firstValue("Retry-After")).hasValue("5");
        assertThat(fenced.body().path("error").asText()).isEqualTo("store_unavailable");

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ready() == 200);
        aValidEventStillGoesThrough("a fenced producer");
        assertEveryValidEventIsOnItsTopicOnce();
    }

    @Test
    void revealingASecretOnAnInstanceWithoutItsKeyIsA503NamingTheKeyNotA500() throws Exception {
        JsonNode created = send("POST", WEBHOOKS, "application/json", webhook("")).body();
        String id = created.path("webhook").path("id").asText();
        try (IngestServer otherKeys = IngestServer.start(0, Map.of(
                "herald.kafka.bootstrap-servers", infra.bootstrapServers(),
                "herald.registry.url", infra.registryUrl(),
                "herald.secrets.keys", "other:" + io.herald.runtime.security.SecretCipher.generateKey(),
                "herald.ingest.ops-port", "0",
                "herald.ingest.api-keys", "acme:acme-portal:" + io.herald.ingest.auth.ApiKeys.hash(ACME_KEY)))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(otherKeys.uri() + WEBHOOKS
                    + "/" + id + "/secret/reveal")).header("Authorization", "Bearer " + ACME_KEY)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("error").asText()).isEqualTo("secret_key_unavailable");
            assertThat(body.path("message").asText()).contains("key id 'test'").doesNotContain("whsec_");
        }
        JsonNode audit = send("GET", "/t/acme/api/v1/audit?webhookId=" + id, null, null).body();
        assertThat(audit.path("items").findValuesAsText("action")).as("nothing revealed, nothing audited as such")
                .doesNotContain("webhook.secret_revealed");
    }

    private static int ready() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.opsPort() + "/health/ready"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static ConsumerRecord<String, IamEvent> recordAt(JsonNode coordinates) {
        try (KafkaConsumer<String, IamEvent> consumer = consumer()) {
            TopicPartition partition = new TopicPartition(coordinates.path("topic").asText(),
                    coordinates.path("partition").asInt());
            consumer.assign(List.of(partition));
            consumer.seek(partition, coordinates.path("offset").asLong());
            for (long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos(); System.nanoTime() < deadline; ) {
                for (ConsumerRecord<String, IamEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
            throw new AssertionError("nothing at " + coordinates);
        }
    }

    /** Every valid event posted so far is on its topic exactly once, at the coordinates ingest answered. */
    private static void assertEveryValidEventIsOnItsTopicOnce() {
        Map<TopicPartition, long[]> ranges = new HashMap<>();
        published.values().forEach(event -> ranges.merge(new TopicPartition(event.path("topic").asText(),
                event.path("partition").asInt()), new long[] {event.path("offset").asLong(),
                event.path("offset").asLong()}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])}));
        Map<String, Integer> copies = new HashMap<>();
        try (KafkaConsumer<String, IamEvent> consumer = consumer()) {
            consumer.assign(List.copyOf(ranges.keySet()));
            ranges.forEach((partition, range) -> consumer.seek(partition, range[0]));
            List<TopicPartition> unread = new ArrayList<>(ranges.keySet());
            for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    !unread.isEmpty() && System.nanoTime() < deadline; ) {
                for (ConsumerRecord<String, IamEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    copies.merge(record.value().getId(), 1, Integer::sum);
                }
                unread.removeIf(partition -> consumer.position(partition) > ranges.get(partition)[1]);
            }
            assertThat(unread).as("partitions read up to the last valid event").isEmpty();
        }
        published.keySet().forEach(id -> assertThat(copies.get(id)).as("copies of " + id).isEqualTo(1));
    }

    private static KafkaConsumer<String, IamEvent> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl()));
    }
}
