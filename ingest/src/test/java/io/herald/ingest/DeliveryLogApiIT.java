package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static io.herald.ingest.TestIngest.GLOBEX_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.ingest.ApiClient.Reply;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.Topics;
import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.AttemptSummary;
import io.herald.schemas.delivery.DeadLetter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The delivery log API against a real broker: attempts and dead letters are written to their topics as the
 * deliverers write them, and resends are read back from the deliveries topic.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class DeliveryLogApiIT {

    /**
     * When the test's history starts: an hour ago, on the hour. Not a fixed date: dead letters are written with their
     * time, and records older than their topic's retention are deleted by the broker's next retention check.
     */
    private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS)
            .minus(Duration.ofHours(1));

    private static HeraldInfrastructure infra;
    private static IngestServer server;
    private static ApiClient api;
    private static KafkaProducer<String, SpecificRecord> producer;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        server = TestIngest.start(infra);
        api = new ApiClient(server.uri());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                new StringSerializer(), HeraldSerdes.<SpecificRecord>valueSerializer(infra.registryUrl()));
    }

    @AfterAll
    static void stop() {
        producer.close();
        server.close();
    }

    @Test
    void listsAWebhooksAttemptsNewestFirstByOutcomeOrEventPageByPage() throws Exception {
        String webhook = create("attempt log");
        String other = create("other");
        List<DeliveryAttempt> written = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            AttemptOutcome outcome = i % 3 == 2 ? AttemptOutcome.SUCCEEDED : AttemptOutcome.FAILED;
            written.add(attempt(webhook, "acme", "evt_" + (i / 3), i % 3 + 1, outcome, T0.plusSeconds(i)));
            attempt(other, "acme", "evt_other", 1, AttemptOutcome.SUCCEEDED, T0.plusSeconds(i));
        }
        // A record under the webhook's key that claims another tenant is never shown to acme.
        attempt(webhook, "globex", "evt_forged", 1, AttemptOutcome.FAILED, T0.plusSeconds(30));
        producer.flush();

        Reply first = api.call("GET", attempts(webhook) + "?limit=3", ACME_KEY, null);
        assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
        Reply second = api.call("GET", attempts(webhook) + "?limit=3&before="
                + first.body().get("nextCursor").asText(), ACME_KEY, null);
        Reply third = api.call("GET", attempts(webhook) + "?limit=3&before="
                + second.body().get("nextCursor").asText(), ACME_KEY, null);

        assertThat(ids(first)).containsExactly(idOf(written, 6), idOf(written, 5), idOf(written, 4));
        assertThat(ids(second)).containsExactly(idOf(written, 3), idOf(written, 2), idOf(written, 1));
        assertThat(ids(third)).containsExactly(idOf(written, 0));
        assertThat(third.body().get("nextCursor").isNull()).isTrue();
        JsonNode newest = first.body().get("items").get(0);
        assertThat(newest.get("eventId").asText()).isEqualTo("evt_2");
        assertThat(newest.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(newest.get("httpStatus").asInt()).isEqualTo(503);
        assertThat(newest.get("error").asText()).isEqualTo("endpoint answered HTTP 503");
        assertThat(newest.get("startedAt").asText()).isEqualTo(T0.plusSeconds(6).toString());

        assertThat(ids(api.call("GET", attempts(webhook) + "?outcome=succeeded", ACME_KEY, null)))
                .containsExactly(idOf(written, 5), idOf(written, 2));
        assertThat(ids(api.call("GET", attempts(webhook) + "?eventId=evt_1", ACME_KEY, null)))
                .containsExactly(idOf(written, 5), idOf(written, 4), idOf(written, 3));
    }

    @Test
    void refusesBadParametersAndOtherTenantsWebhooks() throws Exception {
        String webhook = create("guarded");

        Reply badOutcome = api.call("GET", attempts(webhook) + "?outcome=LOST", ACME_KEY, null);
        assertThat(badOutcome.status()).isEqualTo(400);
        assertThat(badOutcome.body().get("fields").get(0).get("field").asText()).isEqualTo("outcome");
        assertThat(badOutcome.body().get("fields").get(0).get("problem").asText()).contains("got 'LOST'");
        assertThat(api.call("GET", attempts(webhook) + "?before=yesterday", ACME_KEY, null).status()).isEqualTo(400);
        assertThat(api.call("GET", attempts(webhook) + "?limit=0", ACME_KEY, null).status()).isEqualTo(400);
        assertThat(api.call("GET", attempts(webhook), GLOBEX_KEY, null).status()).isEqualTo(404);
        assertThat(api.call("GET", "/t/globex/api/v1/webhooks/" + webhook + "/dead-letters", GLOBEX_KEY, null)
                .status()).isEqualTo(404);
        assertThat(api.call("GET", attempts("wh_06H0WJJ1YHPSDVZ4NP9RQDA1S0"), ACME_KEY, null).status())
                .isEqualTo(404);
        assertThat(api.call("POST", base(webhook) + "/recover", GLOBEX_KEY, Map.of("since", T0.toString()))
                .status()).isEqualTo(404);
    }

    @Test
    void listsDeadLettersAndResendsOneOrRecoversAllSinceATimeWithOneMoreAttemptEach() throws Exception {
        String webhook = create("dead letters");
        String first = HeraldIds.deliveryId("evt_dl1", webhook);
        String second = HeraldIds.deliveryId("evt_dl2", webhook);
        String early = HeraldIds.deliveryId("evt_dl0", webhook);
        Instant now = Instant.now();
        deadLetter(webhook, early, "evt_dl0", 5, now.minus(Duration.ofHours(3)), "gave up after 5 attempts");
        deadLetter(webhook, first, "evt_dl1", 5, now.minus(Duration.ofHours(1)), "gave up after 5 attempts");
        deadLetter(webhook, second, "evt_dl2", 1, now.minus(Duration.ofMinutes(30)),
                "endpoint answered 410 Gone; not retried");
        deadLetter(webhook, first, "evt_dl1", 6, now.minus(Duration.ofMinutes(10)), "gave up after 6 attempts");
        producer.flush();

        Reply listed = api.call("GET", base(webhook) + "/dead-letters", ACME_KEY, null);
        assertThat(listed.status()).as(listed.body().toString()).isEqualTo(200);
        JsonNode items = listed.body().get("items");
        assertThat(items).extracting(i -> i.get("deliveryId").asText()).containsExactly(first, second, first, early);
        assertThat(items.get(0).get("reason").asText()).isEqualTo("gave up after 6 attempts");
        assertThat(items.get(0).get("attempts")).hasSize(6);
        assertThat(items.get(0).get("attempts").get(5).get("httpStatus").asInt()).isEqualTo(503);
        assertThat(items.get(1).get("eventId").asText()).isEqualTo("evt_dl2");

        Reply resent = api.call("POST", base(webhook) + "/dead-letters/" + second + "/resend", ACME_KEY, null);
        assertThat(resent.status()).as(resent.body().toString()).isEqualTo(202);
        assertThat(resent.body().get("attempt").asInt()).isEqualTo(2);
        assertThat(api.call("POST", base(webhook) + "/dead-letters/msg_NOTTHERE/resend", ACME_KEY, null).status())
                .isEqualTo(404);

        Reply recovered = api.call("POST", base(webhook) + "/recover", ACME_KEY,
                Map.of("since", now.minus(Duration.ofHours(2)).toString()));
        assertThat(recovered.status()).as(recovered.body().toString()).isEqualTo(202);
        assertThat(recovered.body().get("resent").asInt()).as("each delivery once, the early one not").isEqualTo(2);
        assertThat(recovered.body().get("nextSince").isNull()).isTrue();

        List<Delivery> queued = queuedDeliveriesOf(webhook);
        // The resend, then the recovered ones in the order of their last death.
        assertThat(queued).extracting(d -> d.getId() + "#" + d.getAttempt())
                .containsExactly(second + "#2", second + "#2", first + "#7");
        Delivery again = queued.get(2);
        assertThat(again.getBody()).isEqualTo("{\"id\":\"evt_dl1\"}");
        assertThat(again.getPreviousAttempts()).hasSize(6);
        assertThat(again.getWebhookVersion()).isEqualTo(1);

        JsonNode audit = api.call("GET", "/t/acme/api/v1/audit?webhookId=" + webhook, ACME_KEY, null).body()
                .get("items");
        assertThat(audit).extracting(e -> e.get("action").asText())
                .containsSubsequence("webhook.recovered", "webhook.dead_letter_resent", "webhook.created");
    }

    @Test
    void recoverNeedsASinceInThePastAndAnEnabledWebhook() throws Exception {
        String webhook = create("recover rules");

        Reply noSince = api.call("POST", base(webhook) + "/recover", ACME_KEY, Map.of());
        assertThat(noSince.status()).isEqualTo(400);
        assertThat(noSince.body().get("fields").get(0).get("problem").asText()).contains("is required");
        Reply future = api.call("POST", base(webhook) + "/recover", ACME_KEY,
                Map.of("since", Instant.now().plus(Duration.ofHours(1)).toString()));
        assertThat(future.status()).isEqualTo(400);
        assertThat(future.body().get("fields").get(0).get("problem").asText()).isEqualTo("must not be in the future");

        assertThat(api.call("PATCH", base(webhook), ACME_KEY, Map.of("active", false)).status()).isEqualTo(200);
        Reply disabled = api.call("POST", base(webhook) + "/recover", ACME_KEY, Map.of("since", T0.toString()));
        assertThat(disabled.status()).isEqualTo(409);
        assertThat(disabled.body().get("error").asText()).isEqualTo("webhook_disabled");
    }

    @Test
    void replaysNeedAValidRangeAnEnabledWebhookAndAreSeenOnlyByTheirTenant() throws Exception {
        String webhook = create("replay rules");
        String replays = base(webhook) + "/replays";

        Reply noSince = api.call("POST", replays, ACME_KEY, Map.of());
        assertThat(noSince.status()).isEqualTo(400);
        assertThat(noSince.body().get("fields").get(0).get("field").asText()).isEqualTo("since");
        Reply backwards = api.call("POST", replays, ACME_KEY, Map.of("since", T0.toString(),
                "until", T0.minusSeconds(1).toString()));
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.body().get("fields").get(0).get("problem").asText()).startsWith("must be before until");
        Reply future = api.call("POST", replays, ACME_KEY, Map.of("since", T0.toString(),
                "until", Instant.now().plus(Duration.ofHours(1)).toString()));
        assertThat(future.status()).isEqualTo(400);
        assertThat(future.body().get("fields").get(0).get("field").asText()).isEqualTo("until");

        Reply started = api.call("POST", replays, ACME_KEY, Map.of("since", T0.toString()));
        assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
        String replay = started.body().get("id").asText();
        assertThat(api.call("GET", replays + "/" + replay, ACME_KEY, null).status()).isEqualTo(200);
        assertThat(api.call("GET", replays + "/" + replay, GLOBEX_KEY, null).status()).isEqualTo(404);
        assertThat(api.call("GET", replays + "/rpl_UNKNOWN", ACME_KEY, null).status()).isEqualTo(404);

        assertThat(api.call("PATCH", base(webhook), ACME_KEY, Map.of("active", false)).status()).isEqualTo(200);
        Reply disabled = api.call("POST", replays, ACME_KEY, Map.of("since", T0.toString()));
        assertThat(disabled.status()).isEqualTo(409);
    }

    private static String create(String name) throws Exception {
        Reply created = api.call("POST", "/t/acme/api/v1/webhooks", ACME_KEY, Map.of("name", name,
                "url", "https://hooks.acme.test/" + name.replace(' ', '-'), "eventTypes", List.of("*")));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return created.body().get("webhook").get("id").asText();
    }

    private static String base(String webhook) {
        return "/t/acme/api/v1/webhooks/" + webhook;
    }

    private static String attempts(String webhook) {
        return base(webhook) + "/attempts";
    }

    private static DeliveryAttempt attempt(String webhook, String tenant, String eventId, int number,
            AttemptOutcome outcome, Instant at) {
        boolean ok = outcome == AttemptOutcome.SUCCEEDED;
        DeliveryAttempt attempt = DeliveryAttempt.newBuilder()
                .setId(HeraldIds.newAttemptId())
                .setDeliveryId(HeraldIds.deliveryId(eventId, webhook))
                .setTenant(tenant)
                .setWebhookId(webhook)
                .setEventId(eventId)
                .setEventType("user.created")
                .setAttempt(number)
                .setOutcome(outcome)
                .setStartedAt(at)
                .setLatencyMs(12)
                .setHttpStatus(ok ? 200 : 503)
                .setError(ok ? null : "endpoint answered HTTP 503")
                .build();
        producer.send(new ProducerRecord<>(Topics.ATTEMPTS, webhook, attempt));
        return attempt;
    }

    private static void deadLetter(String webhook, String deliveryId, String eventId, int attempts, Instant deadAt,
            String reason) {
        List<AttemptSummary> history = new ArrayList<>();
        for (int i = 1; i <= attempts; i++) {
            history.add(new AttemptSummary(i, deadAt.minusSeconds(60L * (attempts - i)), "FAILED", 503,
                    "endpoint answered HTTP 503"));
        }
        Delivery delivery = Delivery.newBuilder()
                .setId(deliveryId).setTenant("acme").setWebhookId(webhook).setWebhookVersion(1)
                .setEventId(eventId).setEventType("user.created").setEventTimestamp(T0).setRoutedAt(T0)
                .setAttempt(attempts).setBody("{\"id\":\"" + eventId + "\"}").setPreviousAttempts(history)
                .build();
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, deadAt.toEpochMilli(), webhook,
                new DeadLetter(delivery, reason, deadAt)));
    }

    private static List<String> ids(Reply reply) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        reply.body().get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private static String idOf(List<DeliveryAttempt> attempts, int index) {
        return attempts.get(index).getId();
    }

    private static List<Delivery> queuedDeliveriesOf(String webhook) {
        return TopicRecords.all(infra.bootstrapServers(), Topics.DELIVERIES, new StringDeserializer(),
                HeraldSerdes.<Delivery>valueDeserializer(infra.registryUrl())).stream()
                .filter(r -> webhook.equals(r.key())).map(r -> r.value()).toList();
    }
}
