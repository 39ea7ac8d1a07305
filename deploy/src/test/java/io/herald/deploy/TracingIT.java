package io.herald.deploy;

import io.herald.runtime.config.CommonSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.deliverer.DelivererConfig;
import io.herald.deliverer.HeraldDeliverer;
import io.herald.deliverer.retry.RetrySchedule;
import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublisherConfig;
import io.herald.ingest.webhooks.CreatedWebhook;
import io.herald.ingest.webhooks.WebhookDefinition;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.router.HeraldRouter;
import io.herald.router.RouterConfig;
import io.herald.schemas.IamEvents;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.schemas.event.IamEvent;
import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.tracing.EventSpans;
import io.herald.schemas.tracing.HeraldTracing;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.WebhookReceiver;
import io.herald.testkit.WebhookReceiver.ReceivedRequest;
import io.herald.testkit.WebhookReceiver.Reply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One trace from the producer's span to the webhook request: publish, route, then one POST span per attempt (the
 * retry included), each the parent of the next, and the receiver's {@code traceparent} naming the attempt's span.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class TracingIT {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static OpenTelemetrySdk telemetry;
    private static WebhookReceiver receiver;
    private static Path routerState;
    private static HeraldRouter router;
    private static HeraldDeliverer deliverer;
    private static WebhookStore store;
    private static HeraldPublisher publisher;

    @BeforeAll
    static void start(HeraldInfrastructure infra) throws Exception {
        telemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        HeraldTracing tracing = HeraldTracing.using(telemetry);
        String keyRing = "trace:" + SecretCipher.generateKey();
        SecretCipher cipher = SecretCipher.fromKeyRing(keyRing);
        receiver = WebhookReceiver.start();
        routerState = Files.createTempDirectory("tracing-router");
        router = HeraldRouter.start(RouterConfig.builder(infra.bootstrapServers(), infra.registryUrl(),
                "tracing-router", routerState).build(), tracing);
        deliverer = HeraldDeliverer.start(DelivererConfig.builder(infra.bootstrapServers(), infra.registryUrl(), keyRing)
                .set(DelivererConfig.GROUP_ID, "tracing-deliverer")
                .set(DelivererConfig.RETRY_SCHEDULE, List.of(Duration.ofSeconds(1)))
                .set(DelivererConfig.RETRY_JITTER_PERCENT, 0)
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(Cidr.parse("127.0.0.0/8"))).build(), tracing);
        store = WebhookStore.create(infra.kafkaClients(), infra.registryEndpoint(), cipher,
                new ForbiddenAddresses(List.of(Cidr.parse("127.0.0.0/8"))));
        publisher = HeraldPublisher.create(PublisherConfig.of(infra.bootstrapServers(), infra.registryUrl(),
                "tracing-test"), telemetry);
    }

    @AfterAll
    static void stop() throws Exception {
        publisher.close();
        store.close();
        deliverer.close();
        router.close();
        receiver.close();
        telemetry.close();
        org.apache.kafka.common.utils.Utils.delete(routerState.toFile());
    }

    @Test
    void oneTraceRunsFromTheProducerThroughRouterAndEveryAttemptToTheWebhook() throws Exception {
        receiver.script("/traced", Reply.of(503), Reply.of(204));
        CreatedWebhook webhook = store.create(new WebhookDefinition("trace-co", "traced", null,
                receiver.url("/traced"), List.of("auth.*"), Map.of(), null, true));
        await().atMost(Duration.ofSeconds(30)).until(() -> router.knowsWebhook("trace-co", webhook.id()));

        IamEvent event = IamEvents.of("trace-co", AuthLoginSucceeded.newBuilder().setUserId("usr_t")
                .setMethod("password").build());
        Span caller = telemetry.getTracer("test").spanBuilder("login request").startSpan();
        try (Scope ignored = caller.makeCurrent()) {
            publisher.publish(event).get(30, TimeUnit.SECONDS);
        } finally {
            caller.end();
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/traced").size() == 2
                && spansNamed("POST").size() == 2);
        String traceId = caller.getSpanContext().getTraceId();
        SpanData publish = single("publish iam.auth");
        SpanData route = single("route iam.auth");
        List<SpanData> attempts = spansNamed("POST").stream()
                .sorted(Comparator.comparing(span -> span.getAttributes().get(EventSpans.ATTEMPT))).toList();

        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(publish.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
        assertThat(route.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(route.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(route.getAttributes().get(EventSpans.FAN_OUT)).isEqualTo(1L);
        assertThat(List.of(publish, route, attempts.get(0), attempts.get(1)))
                .allSatisfy(span -> {
                    assertThat(span.getTraceId()).isEqualTo(traceId);
                    assertThat(span.getAttributes().get(EventSpans.EVENT_ID)).isEqualTo(event.getId());
                    assertThat(span.getAttributes().get(EventSpans.TENANT)).isEqualTo("trace-co");
                    // ids only: no URL (it may hold credentials), no payload
                    assertThat(span.getAttributes().asMap().values()).noneMatch(v -> v.toString().contains("/traced")
                            || v.toString().contains("usr_t"));
                });
        List<ReceivedRequest> requests = receiver.requests("/traced");
        for (int i = 0; i < 2; i++) {
            SpanData attempt = attempts.get(i);
            assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(attempt.getParentSpanId()).isEqualTo(route.getSpanId()); // the retry joins the same trace
            assertThat(attempt.getAttributes().get(EventSpans.ATTEMPT)).isEqualTo(i + 1L);
            assertThat(attempt.getAttributes().get(EventSpans.WEBHOOK_ID)).isEqualTo(webhook.id());
            assertThat(requests.get(i).header("traceparent"))
                    .isEqualTo("00-" + traceId + "-" + attempt.getSpanId() + "-"
                            + attempt.getSpanContext().getTraceFlags().asHex());
            assertThat(attempt.getSpanContext().isSampled()).isTrue();
        }
        assertThat(attempts.get(0).getAttributes().get(EventSpans.HTTP_STATUS)).isEqualTo(503L);
        assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attempts.get(1).getAttributes().get(EventSpans.HTTP_STATUS)).isEqualTo(204L);
        assertThat(attempts.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    private static List<SpanData> spansNamed(String name) {
        return SPANS.getFinishedSpanItems().stream().filter(span -> span.getName().equals(name)).toList();
    }

    private static SpanData single(String name) {
        List<SpanData> named = spansNamed(name);
        assertThat(named).as("spans named %s", name).hasSize(1);
        return named.get(0);
    }
}
