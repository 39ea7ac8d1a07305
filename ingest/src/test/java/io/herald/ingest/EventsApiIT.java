package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static io.herald.ingest.TestIngest.GLOBEX_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.ingest.ApiClient.Reply;
import io.herald.schemas.Topics;
import io.herald.schemas.data.SecurityBruteForce;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HTTP ingest against a real broker: what is posted is what lands on the event topics, once. */
@ExtendWith(HeraldInfrastructureExtension.class)
class EventsApiIT {

    private static final String EVENTS = "/t/acme/api/v1/events";

    private static HeraldInfrastructure infra;
    private static IngestServer server;
    private static ApiClient api;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        server = TestIngest.start(infra);
        api = new ApiClient(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void publishesAPostedEventTypedToItsFamilyTopicBeforeAnswering() throws Exception {
        Reply reply = api.call("POST", EVENTS, ACME_KEY, Map.of("id", "evt_http_1", "type", "security.brute_force",
                "timestamp", "2026-11-24T10:15:30Z", "source", "login-server", "data", Map.of(
                        "ipAddress", "203.0.113.9", "failedAttempts", 57, "windowSeconds", 60, "blocked", true)));

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        JsonNode published = reply.body().get("events").get(0);
        assertThat(published.get("id").asText()).isEqualTo("evt_http_1");
        assertThat(published.get("topic").asText()).isEqualTo(Topics.SECURITY_EVENTS);
        assertThat(published.get("duplicate").asBoolean()).isFalse();

        ConsumerRecord<String, IamEvent> stored = at(published);
        IamEvent event = stored.value();
        assertThat(event.getTenant()).isEqualTo("acme");
        assertThat(event.getType()).isEqualTo("security.brute_force");
        assertThat(event.getTimestamp()).isEqualTo(Instant.parse("2026-11-24T10:15:30Z"));
        assertThat(event.getSource()).isEqualTo("login-server");
        SecurityBruteForce data = (SecurityBruteForce) event.getData();
        assertThat(data.getIpAddress()).isEqualTo("203.0.113.9");
        assertThat(data.getFailedAttempts()).isEqualTo(57);
        assertThat(data.getBlocked()).isTrue();
        assertThat(data.getTargetUserId()).isNull();
        assertThat(stored.key()).isEqualTo("acme:203.0.113.9");
        assertThat(new String(stored.headers().lastHeader("ce_source").value(), StandardCharsets.UTF_8))
                .isEqualTo("/tenants/acme/services/login-server");
        assertThat(stored.headers().lastHeader("traceparent")).as("no caller trace, nothing recorded").isNull();
    }

    @Test
    void theCallersTraceContextTravelsOnWithThePublishedEvent() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Reply reply = api.call("POST", EVENTS, ACME_KEY, Map.of("id", "evt_http_traced", "type", "user.created",
                "data", Map.of("userId", "usr_traced")), Map.of("traceparent", traceparent, "tracestate", "acme=1"));

        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        ConsumerRecord<String, IamEvent> stored = at(reply.body().get("events").get(0));
        // tracing is off here: no span of ingest's own, so the caller's context is passed on as it came
        assertThat(new String(stored.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo(traceparent);
        assertThat(new String(stored.headers().lastHeader("tracestate").value(), StandardCharsets.UTF_8))
                .isEqualTo("acme=1");
    }

    @Test
    void theSameEventIdPostedAgainIsPublishedOnceEvenThroughAnotherInstance() throws Exception {
        Map<String, Object> event = Map.of("id", "evt_http_twice", "type", "user.created",
                "data", Map.of("userId", "usr_twice"));

        Reply first = api.call("POST", EVENTS, ACME_KEY, event);
        Reply again = api.call("POST", EVENTS, ACME_KEY, Map.of("events", List.of(event, event)));
        Reply elsewhere;
        try (IngestServer other = TestIngest.start(infra)) {
            elsewhere = new ApiClient(other.uri()).call("POST", EVENTS, ACME_KEY, event);
        }

        JsonNode original = first.body().get("events").get(0);
        assertThat(original.get("duplicate").asBoolean()).isFalse();
        for (JsonNode copy : List.of(again.body().get("events").get(0), again.body().get("events").get(1),
                elsewhere.body().get("events").get(0))) {
            assertThat(copy.get("duplicate").asBoolean()).isTrue();
            assertThat(copy.get("offset").asLong()).isEqualTo(original.get("offset").asLong());
            assertThat(copy.get("partition").asInt()).isEqualTo(original.get("partition").asInt());
        }
        assertThat(eventsOnTopic(Topics.USER_EVENTS, "evt_http_twice")).isEqualTo(1);
    }

    @Test
    void theOperationsEndpointCountsPublishedDuplicateAndRejectedEventsAndReportsReady() throws Exception {
        String metrics = "http://localhost:" + server.opsPort();
        double published = count(metrics, "published");
        double duplicate = count(metrics, "duplicate");
        double rejected = count(metrics, "rejected");
        String route = "route=\"/t/{tenant}/api/v1/events\"";
        double ok = sum(metrics, "herald_api_requests_seconds_count{", route, "status=\"200\"");
        double invalid = sum(metrics, "herald_api_requests_seconds_count{", route, "status=\"422\"");
        double unauthorized = sum(metrics, "herald_api_requests_seconds_count{", route, "status=\"401\"");
        double unmatched = sum(metrics, "herald_api_requests_seconds_count{", "route=\"unmatched\"",
                "status=\"404\"");
        Map<String, Object> event = Map.of("id", "evt_http_counted", "type", "user.created",
                "data", Map.of("userId", "usr_c"));

        api.call("POST", EVENTS, ACME_KEY, Map.of("events", List.of(event, event)));
        api.call("POST", EVENTS, ACME_KEY, Map.of("events", List.of(Map.of("type", "user.nope", "data", Map.of()),
                Map.of("type", "user.created", "data", Map.of("userId", "usr_c")))));
        api.call("POST", EVENTS, "hk_wrong", event);
        api.call("GET", "/no/such/path/evt_123", ACME_KEY, null);

        assertThat(count(metrics, "published")).isEqualTo(published + 1);
        assertThat(count(metrics, "duplicate")).isEqualTo(duplicate + 1);
        assertThat(count(metrics, "rejected")).as("the whole refused request").isEqualTo(rejected + 2);
        assertThat(sum(metrics, "herald_api_requests_seconds_count{", route, "status=\"200\"")).isEqualTo(ok + 1);
        assertThat(sum(metrics, "herald_api_requests_seconds_count{", route, "status=\"422\"")).isEqualTo(invalid + 1);
        assertThat(sum(metrics, "herald_api_requests_seconds_count{", route, "status=\"401\""))
                .isEqualTo(unauthorized + 1);
        assertThat(sum(metrics, "herald_api_requests_seconds_count{", "route=\"unmatched\"", "status=\"404\""))
                .as("unknown paths share one series").isEqualTo(unmatched + 1);
        assertThat(scrape(metrics)).doesNotContain("evt_123").doesNotContain("route=\"/t/acme");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        int ready = 0;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos(); ready != 200
                && System.nanoTime() < deadline; Thread.sleep(200)) {
            ready = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(metrics + "/health/ready"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
        }
        assertThat(ready).as("readiness once Kafka and the registry answer").isEqualTo(200);
    }

    private static double count(String metrics, String result) throws Exception {
        return sum(metrics, "herald_ingest_events_total{", "result=\"" + result + "\"");
    }

    /** The sum of the series of a meter whose labels include every one given. */
    private static double sum(String metrics, String meter, String... labels) throws Exception {
        return scrape(metrics).lines().filter(line -> line.startsWith(meter)
                        && java.util.Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static String scrape(String metrics) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(metrics + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aBatchIsPublishedWholeOrNotAtAllAndEveryProblemIsNamed() throws Exception {
        Reply rejected = api.call("POST", EVENTS, ACME_KEY, Map.of("events", List.of(
                Map.of("id", "evt_batch_ok", "type", "user.created", "data", Map.of("userId", "usr_1")),
                Map.of("id", "evt_batch_bad", "type", "user.created", "data", Map.of("userId", 42, "nickname", "x")),
                Map.of("type", "user.craeted", "data", Map.of()),
                Map.of("type", "herald.webhook.disabled", "data", Map.of()),
                Map.of("type", "user.created", "tenant", "globex", "timestamp", "yesterday",
                        "data", Map.of("userId", "usr_2")))));

        assertThat(rejected.status()).isEqualTo(422);
        assertThat(rejected.body().get("error").asText()).isEqualTo("invalid_event");
        Map<String, String> problems = new HashMap<>();
        rejected.body().get("fields").forEach(f -> problems.put(f.get("field").asText(), f.get("problem").asText()));
        assertThat(problems).containsEntry("events[1].data.userId", "must be a string")
                .containsEntry("events[2].type", "'user.craeted' is not in the event catalog")
                .containsEntry("events[3].type", "herald.webhook.disabled is emitted by Herald only")
                .containsEntry("events[4].tenant", "must be the tenant of the URL (acme) or absent")
                .containsKeys("events[1].data.nickname", "events[4].timestamp");
        assertThat(problems.keySet()).noneMatch(field -> field.startsWith("events[0]"));
        assertThat(eventsOnTopic(Topics.USER_EVENTS, "evt_batch_ok")).as("nothing of the batch").isZero();

        Reply accepted = api.call("POST", EVENTS, ACME_KEY, List.of(
                Map.of("id", "evt_batch_1", "type", "user.created", "data", Map.of("userId", "usr_b1")),
                Map.of("id", "evt_batch_2", "type", "auth.login.success",
                        "data", Map.of("userId", "usr_b1", "method", "password"))));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(200);
        assertThat(accepted.body().get("events")).extracting(e -> e.get("topic").asText())
                .containsExactly(Topics.USER_EVENTS, Topics.AUTH_EVENTS);
        assertThat(eventsOnTopic(Topics.AUTH_EVENTS, "evt_batch_2")).isEqualTo(1);
    }

    @Test
    void refusesRequestsThatAreNotEventsAndCallersOfOtherTenants() throws Exception {
        Map<String, Object> event = Map.of("type", "user.created", "data", Map.of("userId", "usr_1"));

        assertThat(api.call("POST", EVENTS, null, event).status()).isEqualTo(401);
        assertThat(api.call("POST", EVENTS, GLOBEX_KEY, event).status()).isEqualTo(404);
        assertThat(api.send("POST", EVENTS, ACME_KEY, "{not json").status()).isEqualTo(400);
        assertThat(api.call("POST", EVENTS, ACME_KEY, Map.of("events", List.of())).status()).isEqualTo(400);
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            tooMany.add(event);
        }
        assertThat(api.call("POST", EVENTS, ACME_KEY, tooMany).status()).isEqualTo(400);
        Reply missing = api.call("POST", EVENTS, ACME_KEY, Map.of("type", "user.created", "data", Map.of()));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.body().get("fields").get(0).get("field").asText()).isEqualTo("data.userId");
        Reply generated = api.call("POST", EVENTS, ACME_KEY, event);
        assertThat(generated.status()).isEqualTo(200);
        assertThat(generated.body().get("events").get(0).get("id").asText()).startsWith("evt_");
    }

    private static ConsumerRecord<String, IamEvent> at(JsonNode published) {
        try (KafkaConsumer<String, IamEvent> consumer = consumer()) {
            TopicPartition partition = new TopicPartition(published.get("topic").asText(),
                    published.get("partition").asInt());
            consumer.assign(List.of(partition));
            consumer.seek(partition, published.get("offset").asLong());
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, IamEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
            throw new AssertionError("nothing at " + published);
        }
    }

    /** How many committed records of the topic carry this event id. */
    private static long eventsOnTopic(String topic, String eventId) {
        return TopicRecords.all(infra.bootstrapServers(), topic, new StringDeserializer(),
                HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl())).stream()
                .filter(r -> r.value() != null && eventId.equals(r.value().getId())).count();
    }

    private static KafkaConsumer<String, IamEvent> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl()));
    }
}
