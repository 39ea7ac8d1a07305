package io.herald.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.IamEvents;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.Topics;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.data.SecurityBruteForce;
import io.herald.schemas.data.UserCreated;
import io.herald.schemas.data.UserRoleChanged;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.Webhook;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import io.herald.router.quarantine.EventQuarantine;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import io.herald.schemas.tracing.HeraldTracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouterTopologyTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RouterMetrics metrics = new RouterMetrics(meters);

    private static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");

    private final Serde<IamEvent> events = AvroTestSerde.of(IamEvent.getClassSchema());
    private final Serde<Webhook> webhookSerde = AvroTestSerde.of(Webhook.getClassSchema());
    private final Serde<Delivery> deliveries = AvroTestSerde.of(Delivery.getClassSchema());

    private TopologyTestDriver driver;
    private TestInputTopic<String, Webhook> webhookTopic;
    private TestOutputTopic<String, Delivery> output;

    @BeforeEach
    void startDriver() {
        HeraldSerdes.trustHeraldRecords();
        driver = new TopologyTestDriver(RouterTopology.build(new RouterSerdes(events, webhookSerde, deliveries,
                AvroTestSerde.of(DeliveryAttempt.getClassSchema()), AvroTestSerde.anyRecord()),
                RouterConfig.DEFAULT_HEALTH, metrics, HeraldTracing.off(), Clock.fixed(NOW, ZoneOffset.UTC)), quarantining());
        webhookTopic = driver.createInputTopic(Topics.SUBSCRIPTIONS, Serdes.String().serializer(),
                webhookSerde.serializer());
        output = driver.createOutputTopic(Topics.DELIVERIES, Serdes.String().deserializer(),
                deliveries.deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void deliversAnEventToEveryActiveWebhookWhoseFilterMatches() {
        Webhook exact = webhook("acme", List.of("auth.login.success"), true);
        Webhook family = webhook("acme", List.of("auth.*"), true);
        Webhook everything = webhook("acme", List.of("*"), true);
        Webhook otherType = webhook("acme", List.of("user.created", "security.*"), true);
        register(exact, family, everything, otherType);

        IamEvent login = publish(IamEvents.of("acme", login("usr_1")));

        Map<String, Delivery> byWebhook = deliveriesByKey();
        assertThat(byWebhook.keySet()).containsExactlyInAnyOrder(exact.getId(), family.getId(), everything.getId());
        Delivery delivery = byWebhook.get(exact.getId());
        assertThat(delivery.getId()).isEqualTo(HeraldIds.deliveryId(login.getId(), exact.getId()));
        assertThat(delivery.getTenant()).isEqualTo("acme");
        assertThat(delivery.getEventId()).isEqualTo(login.getId());
        assertThat(delivery.getEventType()).isEqualTo("auth.login.success");
        assertThat(delivery.getRoutedAt()).isEqualTo(NOW);
        assertThat(delivery.getAttempt()).isEqualTo(1);
        assertThat(delivery.getWebhookVersion()).isEqualTo(exact.getVersion());
        assertThat(delivery.getBody()).startsWith("{\"id\":\"" + login.getId() + "\",\"type\":\"auth.login.success\"")
                .contains("\"tenant\":\"acme\"", "\"userId\":\"usr_1\"");
    }

    @Test
    void everyDeliveryCarriesTheEventsTraceContextOn() {
        Webhook first = webhook("acme", List.of("*"), true);
        Webhook second = webhook("acme", List.of("auth.*"), true);
        register(first, second);
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        driver.createInputTopic(Topics.AUTH_EVENTS, Serdes.String().serializer(), events.serializer())
                .pipeInput(new TestRecord<>("acme:usr_1", IamEvents.of("acme", login("usr_1")), headers));

        List<TestRecord<String, Delivery>> deliveries = output.readRecordsToList();
        assertThat(deliveries).hasSize(2).allSatisfy(delivery -> assertThat(new String(
                delivery.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo(traceparent)); // tracing off: passed on unchanged, for the deliverer to send
    }

    @Test
    void familyWildcardCoversDeeperNamesButNotOtherFamilies() {
        Webhook users = webhook("acme", List.of("user.*"), true);
        register(users);

        publish(IamEvents.of("acme", UserRoleChanged.newBuilder().setUserId("usr_1")
                .setPreviousRoles(List.of("viewer")).setCurrentRoles(List.of("admin")).build()));
        publish(IamEvents.of("acme", login("usr_1")));

        List<Delivery> routed = output.readValuesToList();
        assertThat(routed).extracting(Delivery::getEventType).containsExactly("user.role.changed");
    }

    @Test
    void webhooksOfOtherTenantsNeverMatchEvenWithASharedPrefix() {
        Webhook acme = webhook("acme", List.of("*"), true);
        Webhook acmeCorp = webhook("acme-corp", List.of("*"), true);
        Webhook globex = webhook("globex", List.of("*"), true);
        register(acme, acmeCorp, globex);

        publish(IamEvents.of("acme", login("usr_1")));
        publish(IamEvents.of("globex", SecurityBruteForce.newBuilder().setIpAddress("203.0.113.9")
                .setFailedAttempts(40).setWindowSeconds(60).setBlocked(true).build()));

        List<KeyValue<String, Delivery>> routed = output.readKeyValuesToList();
        assertThat(routed).extracting(kv -> kv.key + "/" + kv.value.getTenant())
                .containsExactlyInAnyOrder(acme.getId() + "/acme", globex.getId() + "/globex");
    }

    @Test
    void inactiveAndDeletedWebhooksReceiveNothing() {
        Webhook inactive = webhook("acme", List.of("*"), false);
        Webhook deleted = webhook("acme", List.of("*"), true);
        Webhook reactivated = webhook("acme", List.of("*"), false);
        register(inactive, deleted, reactivated);
        webhookTopic.pipeInput(WebhookKeys.of("acme", deleted.getId()), null);
        reactivated.setActive(true);
        register(reactivated);

        publish(IamEvents.of("acme", login("usr_1")));

        assertThat(output.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly(reactivated.getId());
    }

    @Test
    void webhookChangesApplyToTheNextEventOfATenantAlreadyRouted() {
        Webhook first = webhook("acme", List.of("*"), true);
        register(first);
        publish(IamEvents.of("acme", login("usr_1")));
        assertThat(output.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly(first.getId());

        Webhook added = webhook("acme", List.of("auth.*"), true);
        register(added);
        publish(IamEvents.of("acme", login("usr_2")));
        assertThat(output.readKeyValuesToList()).extracting(kv -> kv.key)
                .containsExactlyInAnyOrder(first.getId(), added.getId());

        first.setActive(false);
        added.setEventTypes(List.of("user.*"));
        added.setVersion(2);
        register(first, added);
        publish(IamEvents.of("acme", login("usr_3")));
        assertThat(output.isEmpty()).isTrue();

        publish(IamEvents.of("acme", UserCreated.newBuilder().setUserId("usr_4").build()));
        webhookTopic.pipeInput(WebhookKeys.of("acme", added.getId()), null);
        publish(IamEvents.of("acme", UserCreated.newBuilder().setUserId("usr_5").build()));
        assertThat(output.readKeyValuesToList()).extracting(kv -> kv.key + "/v" + kv.value.getWebhookVersion())
                .containsExactly(added.getId() + "/v2");
    }

    @Test
    void anEventNoWebhookWantsProducesNoDelivery() {
        register(webhook("acme", List.of("token.revoked"), true));

        publish(IamEvents.of("acme", UserCreated.newBuilder().setUserId("usr_9").build()));

        assertThat(output.isEmpty()).isTrue();
    }

    @Test
    void quarantinesWhatIsNotAValidEventAsItWasAndKeepsRouting() {
        Webhook all = webhook("acme", List.of("*"), true);
        register(all);
        IamEvent unknownType = IamEvents.of("acme", login("usr_1"));
        unknownType.setType("auth.login.teleported");
        IamEvent noTenant = IamEvents.of("acme", login("usr_1"));
        noTenant.setTenant("");
        TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(Topics.AUTH_EVENTS,
                Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        TestOutputTopic<byte[], byte[]> rejected = driver.createOutputTopic(Topics.REJECTED_EVENTS,
                Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());

        IamEvent before = publish(IamEvents.of("acme", login("usr_0")));
        raw.pipeInput("acme:usr_x".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 0, 42, 1, 2, 3});
        publish(unknownType);
        publish(noTenant);
        IamEvent after = publish(IamEvents.of("acme", login("usr_2")));

        assertThat(output.readValuesToList()).extracting(Delivery::getEventId)
                .containsExactly(before.getId(), after.getId());
        List<TestRecord<byte[], byte[]>> quarantined = rejected.readRecordsToList();
        assertThat(quarantined).extracting(r -> header(r, Topics.REJECTED_REASON_HEADER)).satisfiesExactly(
                reason -> assertThat(reason).startsWith("undecodable: "),
                reason -> assertThat(reason).contains("type \"auth.login.teleported\" is not in the event catalog"),
                reason -> assertThat(reason).contains("tenant must be a slug"));
        assertThat(quarantined).extracting(r -> header(r, Topics.REJECTED_FROM_HEADER))
                .containsExactly("iam.auth-0@1", "iam.auth-0@2", "iam.auth-0@3");
        assertThat(quarantined.get(0).key()).asString(StandardCharsets.UTF_8).isEqualTo("acme:usr_x");
        assertThat(quarantined.get(0).value()).containsExactly(0, 0, 0, 0, 42, 1, 2, 3);
        assertThat(events.deserializer().deserialize(Topics.AUTH_EVENTS, quarantined.get(1).value()))
                .as("kept byte for byte").isEqualTo(unknownType);
        assertThat(meters.get("herald.events.quarantined").tag("stage", "decode").counter().count()).isEqualTo(1);
        assertThat(meters.get("herald.events.quarantined").tag("stage", "contract").counter().count()).isEqualTo(2);
        assertThat(meters.get("herald.events.routed").tag("family", "auth").counter().count()).isEqualTo(2);
        assertThat(meters.get("herald.fanout.deliveries").counter().count()).isEqualTo(2);
    }

    @Test
    void quarantinesAnEventTooLargeToDeliverInsteadOfFailingToWriteItsDeliveries() {
        register(webhook("acme", List.of("*"), true));
        TestOutputTopic<byte[], byte[]> rejected = driver.createOutputTopic(Topics.REJECTED_EVENTS,
                Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());

        publish(IamEvents.of("acme", login("x".repeat(WebhookPayload.MAX_BYTES)))); // e.g. from a Java producer
        IamEvent after = publish(IamEvents.of("acme", login("usr_2")));

        assertThat(output.readValuesToList()).extracting(Delivery::getEventId).containsExactly(after.getId());
        assertThat(rejected.readRecordsToList()).extracting(r -> header(r, Topics.REJECTED_REASON_HEADER))
                .singleElement().asString().contains("event too large to deliver: its webhook body would be ");
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private Properties quarantining() {
        Properties props = new Properties();
        props.put(RouterMetrics.CONFIG_KEY, metrics);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, EventQuarantine.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, EventQuarantine.class);
        return props;
    }

    private IamEvent publish(IamEvent event) {
        TestInputTopic<String, IamEvent> topic = driver.createInputTopic(topicOf(event),
                Serdes.String().serializer(), events.serializer());
        topic.pipeInput("acme:subject", event);
        return event;
    }

    private static String topicOf(IamEvent event) {
        // an event with an unknown type still has to arrive somewhere: the auth topic
        return EventCatalog.get().find(event.getType()).map(EventType::topic).orElse(Topics.AUTH_EVENTS);
    }

    private void register(Webhook... webhooks) {
        for (Webhook webhook : webhooks) {
            webhookTopic.pipeInput(WebhookKeys.of(webhook.getTenant(), webhook.getId()), webhook);
        }
    }

    private Map<String, Delivery> deliveriesByKey() {
        return output.readKeyValuesToList().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
    }

    private static AuthLoginSucceeded login(String userId) {
        return AuthLoginSucceeded.newBuilder().setUserId(userId).setMethod("password").build();
    }

    static Webhook webhook(String tenant, List<String> filters, boolean active) {
        return Webhook.newBuilder()
                .setId(HeraldIds.newWebhookId())
                .setTenant(tenant)
                .setName("test")
                .setUrl("https://example.com/hook")
                .setEventTypes(filters)
                .setActive(active)
                .setSigningSecrets(List.of())
                .setCreatedAt(NOW)
                .setUpdatedAt(NOW)
                .setVersion(1)
                .build();
    }
}
