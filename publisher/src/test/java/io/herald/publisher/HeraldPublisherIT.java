package io.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.publisher.PublisherConfig;
import io.herald.schemas.IamEvents;
import io.herald.schemas.InvalidEventException;
import io.herald.schemas.Topics;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.data.HeraldWebhookDisabled;
import io.herald.schemas.data.UserRoleChanged;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(HeraldInfrastructureExtension.class)
class HeraldPublisherIT {

    private static HeraldPublisher publisher;
    private static HeraldInfrastructure infra;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        publisher = HeraldPublisher.create(PublisherConfig.of(infra.bootstrapServers(), infra.registryUrl(),
                "publisher-it"));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    @Test
    void publishesEachEventDurablyToItsFamilyTopicKeyedByTenantAndSubject() throws Exception {
        IamEvent login = IamEvents.of("acme", AuthLoginSucceeded.newBuilder()
                .setUserId("usr_42").setMethod("passkey").setIpAddress("198.51.100.7").build());
        IamEvent roleChange = IamEvents.of("acme", UserRoleChanged.newBuilder().setUserId("usr_42")
                .setPreviousRoles(List.of("viewer")).setCurrentRoles(List.of("viewer", "admin")).build());

        PublishedEvent publishedLogin = publisher.publish(login).get(30, TimeUnit.SECONDS);
        PublishedEvent publishedRole = publisher.publish(roleChange).get(30, TimeUnit.SECONDS);

        assertThat(publishedLogin.topic()).isEqualTo(Topics.AUTH_EVENTS);
        assertThat(publishedLogin.eventId()).isEqualTo(login.getId());
        assertThat(publishedRole.topic()).isEqualTo(Topics.USER_EVENTS);
        ConsumerRecord<String, IamEvent> stored = read(publishedLogin);
        assertThat(stored.key()).isEqualTo("acme:usr_42");
        assertThat(stored.value()).isEqualTo(login);
        assertThat(read(publishedRole).value().getData()).isEqualTo(roleChange.getData());
        // CloudEvents binary-mode headers: tools route on them without decoding the Avro value.
        Map<String, String> headers = new java.util.TreeMap<>();
        stored.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        assertThat(headers).containsOnly(Map.entry("ce_specversion", "1.0"), Map.entry("ce_id", login.getId()),
                Map.entry("ce_type", "auth.login.success"), Map.entry("ce_source", "/tenants/acme"),
                Map.entry("ce_time", login.getTimestamp().toString()), Map.entry("ce_subject", "usr_42"),
                Map.entry("ce_tenant", "acme"));
    }

    @Test
    void passesTheCallersCurrentTraceOnWithoutAnOpenTelemetryOfItsOwn() throws Exception {
        io.opentelemetry.sdk.OpenTelemetrySdk application = io.opentelemetry.sdk.OpenTelemetrySdk.builder()
                .setTracerProvider(io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                        .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(
                                io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create()))
                        .build()).build();
        io.opentelemetry.api.trace.Span request = application.getTracer("app").spanBuilder("sign-in").startSpan();
        IamEvent login = IamEvents.of("acme", AuthLoginSucceeded.newBuilder().setUserId("usr_7").setMethod("otp")
                .build());
        PublishedEvent published;
        try (io.opentelemetry.context.Scope ignored = request.makeCurrent()) {
            published = publisher.publish(login).get(30, TimeUnit.SECONDS);
        } finally {
            request.end();
            application.close();
        }
        var context = request.getSpanContext();
        assertThat(context.isValid()).isTrue();
        assertThat(new String(read(published).headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo("00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                        + context.getTraceFlags().asHex());
    }

    @Test
    void rejectsAnEventWithoutTenantOrTypeLoudlyAndSendsNothing() {
        IamEvent noTenant = IamEvents.of("acme", AuthLoginSucceeded.newBuilder()
                .setUserId("usr_1").setMethod("password").build());
        noTenant.setTenant(null);
        IamEvent noType = IamEvents.of("acme", AuthLoginSucceeded.newBuilder()
                .setUserId("usr_1").setMethod("password").build());
        noType.setType(null);
        IamEvent emptyData = IamEvents.of("acme", AuthLoginSucceeded.newBuilder()
                .setUserId("usr_1").setMethod("password").build());
        emptyData.setData(new AuthLoginSucceeded());

        assertThatThrownBy(() -> publisher.publish(noTenant))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("tenant must be a slug").hasMessageContaining("got null");
        assertThatThrownBy(() -> publisher.publish(noType))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("type null is not in the event catalog");
        assertThatThrownBy(() -> publisher.publish(emptyData))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("missing required fields: userId, method");
        assertThatThrownBy(() -> publisher.publish("Not A Slug", AuthLoginSucceeded.newBuilder()
                .setUserId("usr_1").setMethod("password").build()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("got \"Not A Slug\"");
        // Only Herald may say that a tenant's webhook was disabled.
        assertThatThrownBy(() -> publisher.publish("acme", HeraldWebhookDisabled.newBuilder().setWebhookId("wh_1")
                .setWebhookName("spoofed").setReason("none").setConsecutiveFailures(1)
                .setFailingSince(java.time.Instant.now()).build()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("type herald.webhook.disabled is emitted by Herald only");
        // Its deliveries could not be written: refused here rather than quarantined by the router.
        assertThatThrownBy(() -> publisher.publish("acme", AuthLoginSucceeded.newBuilder()
                .setUserId("x".repeat(300 * 1024)).setMethod("password").build()))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("event is too large: its webhook body would be ")
                .hasMessageContaining("at most 262144 bytes");
    }

    private static ConsumerRecord<String, IamEvent> read(PublishedEvent published) {
        try (KafkaConsumer<String, IamEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                new StringDeserializer(), HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl()))) {
            TopicPartition partition = new TopicPartition(published.topic(), published.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, published.offset());
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, IamEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    return record;
                }
            }
            throw new AssertionError("nothing at " + partition + "@" + published.offset());
        }
    }
}
