package io.herald.router.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.router.AvroTestSerde;
import io.herald.router.RouterMetrics;
import io.herald.router.RouterSerdes;
import io.herald.router.RouterTopology;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.Topics;
import io.herald.schemas.data.HeraldWebhookDisabled;
import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.health.WebhookDisableRequest;
import io.herald.schemas.webhook.Webhook;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import io.herald.schemas.tracing.HeraldTracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EndpointHealthTopologyTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RouterMetrics metrics = new RouterMetrics(meters);

    private static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");

    private final Serde<Webhook> webhookSerde = AvroTestSerde.of(Webhook.getClassSchema());
    private final Serde<DeliveryAttempt> attemptSerde = AvroTestSerde.of(DeliveryAttempt.getClassSchema());

    private TopologyTestDriver driver;
    private TestInputTopic<String, Webhook> webhookTopic;
    private TestInputTopic<String, DeliveryAttempt> attempts;
    private TestOutputTopic<String, WebhookDisableRequest> requests;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void asksForADisableOfTheCountedVersionAfterTheThresholdAndWritesNoWebhookItself() {
        start(new EndpointHealthPolicy(true, 3, Duration.ZERO));
        Webhook webhook = register(webhook("acme", 4));

        fail(webhook, NOW.minusSeconds(120), 503, "endpoint answered HTTP 503");
        fail(webhook, NOW.minusSeconds(60), null, "connection refused");
        assertThat(requests.isEmpty()).isTrue();
        fail(webhook, NOW.minusSeconds(1), 502, "endpoint answered HTTP 502");

        KeyValue<String, WebhookDisableRequest> request = requests.readKeyValue();
        assertThat(request.key).isEqualTo(WebhookKeys.of("acme", webhook.getId()));
        assertThat(request.value.getTenant()).isEqualTo("acme");
        assertThat(request.value.getWebhookVersion()).as("the version whose failures were counted").isEqualTo(4);
        assertThat(request.value.getRequestedAt()).isEqualTo(NOW);
        HeraldWebhookDisabled data = request.value.getNotice();
        assertThat(data.getWebhookId()).isEqualTo(webhook.getId());
        assertThat(data.getWebhookName()).isEqualTo("hook of acme");
        assertThat(data.getReason())
                .isEqualTo("3 attempts in a row failed over 119 seconds; last: endpoint answered HTTP 502");
        assertThat(data.getConsecutiveFailures()).isEqualTo(3);
        assertThat(data.getFailingSince()).isEqualTo(NOW.minusSeconds(120));
        assertThat(data.getLastHttpStatus()).isEqualTo(502);
        assertThat(data.getLastError()).isEqualTo("endpoint answered HTTP 502");
        assertThat(requests.isEmpty()).isTrue();
        assertThat(driver.producedTopicNames()).as("the webhook, its audit entry and the notice are ingest's to write")
                .doesNotContain(Topics.SUBSCRIPTIONS, Topics.AUDIT, Topics.HERALD_EVENTS);
        assertThat(meters.get("herald.webhooks.disabled").tag("cause", "failing").counter().count()).isEqualTo(1);
    }

    @Test
    void aSuccessEndsTheRunAndSkippedAttemptsNeitherCountNorEndIt() {
        start(new EndpointHealthPolicy(true, 3, Duration.ZERO));
        Webhook webhook = register(webhook("acme", 1));

        fail(webhook, NOW, 503, "503");
        fail(webhook, NOW, 503, "503");
        attempt(webhook, AttemptOutcome.SUCCEEDED, NOW, 204, null);
        fail(webhook, NOW, 503, "503");
        attempt(webhook, AttemptOutcome.SKIPPED, NOW, null, "webhook is disabled");
        fail(webhook, NOW, 503, "503");
        assertThat(requests.isEmpty()).isTrue();

        fail(webhook, NOW, 503, "503");
        assertThat(requests.readValue().getWebhookVersion()).isEqualTo(1);
    }

    @Test
    void bothTheCountAndTheTimeFailingMustBeReached() {
        start(new EndpointHealthPolicy(true, 2, Duration.ofHours(1)));
        Webhook webhook = register(webhook("acme", 1));
        Instant first = NOW.minus(Duration.ofHours(2));

        fail(webhook, first, 500, "500");
        fail(webhook, first.plusSeconds(60), 500, "500");
        fail(webhook, first.plus(Duration.ofMinutes(59)), 500, "500");
        assertThat(requests.isEmpty()).isTrue();

        fail(webhook, first.plus(Duration.ofMinutes(61)), 500, "500");
        assertThat(requests.readValue().getNotice().getReason())
                .startsWith("4 attempts in a row failed over 61 minutes");
    }

    @Test
    void goneDisablesAtOnceEvenWithAutoDisableOff() {
        start(new EndpointHealthPolicy(false, 3, Duration.ZERO));
        Webhook webhook = register(webhook("acme", 1));

        for (int i = 0; i < 10; i++) {
            fail(webhook, NOW, 503, "503");
        }
        assertThat(requests.isEmpty()).isTrue();

        fail(webhook, NOW, 410, "endpoint answered HTTP 410");
        HeraldWebhookDisabled notice = requests.readValue().getNotice();
        assertThat(notice.getReason()).isEqualTo("the endpoint answered 410 Gone");
        assertThat(meters.get("herald.webhooks.disabled").tag("cause", "gone").counter().count()).isEqualTo(1);
        assertThat(notice.getConsecutiveFailures()).isEqualTo(11);
    }

    @Test
    void aChangeToTheWebhookStartsANewRun() {
        start(new EndpointHealthPolicy(true, 3, Duration.ZERO));
        Webhook webhook = register(webhook("acme", 1));
        fail(webhook, NOW, 503, "503");
        fail(webhook, NOW, 503, "503");

        Webhook repaired = register(Webhook.newBuilder(webhook).setUrl("https://example.com/fixed")
                .setVersion(2).build());
        fail(repaired, NOW, 503, "503");
        fail(repaired, NOW, 503, "503");
        assertThat(requests.isEmpty()).isTrue();

        fail(repaired, NOW, 503, "503");
        assertThat(requests.readValue().getWebhookVersion()).isEqualTo(2);
    }

    @Test
    void leavesUnknownInactiveAndOtherTenantsWebhooksAlone() {
        start(new EndpointHealthPolicy(true, 1, Duration.ZERO));
        Webhook inactive = register(Webhook.newBuilder(webhook("acme", 1)).setActive(false).build());
        Webhook unknown = webhook("acme", 1);
        Webhook globex = register(webhook("globex", 1));

        fail(inactive, NOW, 503, "503");
        fail(unknown, NOW, 503, "503");
        // An attempt claiming another tenant must not disable globex's webhook.
        fail(Webhook.newBuilder(globex).setTenant("acme").build(), NOW, 503, "503");

        assertThat(requests.isEmpty()).isTrue();
    }

    @Test
    void theFailureStreakSurvivesASerdeRoundTrip() {
        Serde<FailureStreak> serde = FailureStreakSerde.create();
        FailureStreak full = new FailureStreak(7, 12, NOW, 503, "endpoint answered HTTP 503 ☃");
        FailureStreak bare = new FailureStreak(1, 1, NOW, null, null);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", full))).isEqualTo(full);
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", bare))).isEqualTo(bare);
    }

    private void start(EndpointHealthPolicy policy) {
        HeraldSerdes.trustHeraldRecords();
        Serde<IamEvent> events = AvroTestSerde.of(IamEvent.getClassSchema());
        driver = new TopologyTestDriver(RouterTopology.build(new RouterSerdes(events, webhookSerde,
                AvroTestSerde.of(Delivery.getClassSchema()), attemptSerde, AvroTestSerde.anyRecord()), policy,
                metrics, HeraldTracing.off(), Clock.fixed(NOW, ZoneOffset.UTC)));
        webhookTopic = driver.createInputTopic(Topics.SUBSCRIPTIONS, Serdes.String().serializer(),
                webhookSerde.serializer());
        attempts = driver.createInputTopic(Topics.ATTEMPTS, Serdes.String().serializer(),
                attemptSerde.serializer());
        requests = driver.createOutputTopic(Topics.WEBHOOK_DISABLE_REQUESTS, Serdes.String().deserializer(),
                AvroTestSerde.<WebhookDisableRequest>of(WebhookDisableRequest.getClassSchema()).deserializer());
    }

    private Webhook register(Webhook webhook) {
        webhookTopic.pipeInput(WebhookKeys.of(webhook.getTenant(), webhook.getId()), webhook);
        return webhook;
    }

    private void fail(Webhook webhook, Instant at, Integer status, String error) {
        attempt(webhook, AttemptOutcome.FAILED, at, status, error);
    }

    private void attempt(Webhook webhook, AttemptOutcome outcome, Instant at, Integer status, String error) {
        attempts.pipeInput(webhook.getId(), DeliveryAttempt.newBuilder()
                .setId(HeraldIds.newAttemptId())
                .setDeliveryId("msg_test")
                .setTenant(webhook.getTenant())
                .setWebhookId(webhook.getId())
                .setEventId("evt_test")
                .setEventType("user.created")
                .setAttempt(1)
                .setOutcome(outcome)
                .setStartedAt(at)
                .setLatencyMs(5)
                .setHttpStatus(status)
                .setError(error)
                .build());
    }

    private static Webhook webhook(String tenant, long version) {
        return Webhook.newBuilder()
                .setId(HeraldIds.newWebhookId())
                .setTenant(tenant)
                .setName("hook of " + tenant)
                .setUrl("https://example.com/hook")
                .setEventTypes(List.of("*"))
                .setActive(true)
                .setSigningSecrets(List.of())
                .setCreatedAt(NOW)
                .setUpdatedAt(NOW)
                .setVersion(version)
                .build();
    }
}
