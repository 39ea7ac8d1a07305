package io.herald.ingest.webhooks;

import io.herald.ingest.http.ApiException;
import io.herald.ingest.http.FieldProblem;
import io.herald.ingest.config.IngestConfig;
import io.herald.ingest.webhooks.WebhookResponses.TestResult;
import io.herald.schemas.Deliveries;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.Topics;
import io.herald.runtime.kafka.TransactionalProducer;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.runtime.store.TopicReader;
import io.herald.schemas.webhook.Webhook;
import io.micronaut.http.HttpStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * "Test webhook": sends a synthetic event of a chosen type to a webhook now, through the same deliverers as every
 * other delivery (same signing, egress rules and timeout), and reports the attempt. Works by producing one
 * {@link Delivery} and waiting for its {@link DeliveryAttempt} on {@link Topics#ATTEMPTS}.
 */
public final class WebhookTester implements AutoCloseable {

    /** Time for a deliverer to pick the test up, beyond the webhook's own timeout. */
    private static final Duration PICKUP_MARGIN = Duration.ofSeconds(15);
    private static final Duration DEFAULT_WEBHOOK_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, Delivery> producer;
    private final TopicReader<DeliveryAttempt> attempts;
    private final Map<String, CompletableFuture<DeliveryAttempt>> waiting = new ConcurrentHashMap<>();
    private final Clock clock;

    public WebhookTester(IngestConfig config, Clock clock) {
        this.clock = clock;
        this.producer = config.kafka().producer("herald-ingest-webhook-tests", Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TransactionalProducer.REQUEST_MAX_BLOCK.toMillis()),
                new StringSerializer(), HeraldSerdes.<Delivery>valueSerializer(config.registry()));
        // From the end: only attempts made after this service started can answer its tests.
        this.attempts = TopicReader.start(config.kafka(), Topics.ATTEMPTS,
                HeraldSerdes.<DeliveryAttempt>valueDeserializer(config.registry()), "herald-ingest-test-attempts",
                TopicReader.Start.END, this::apply, Duration.ZERO);
    }

    /** Sends a test event of {@code eventTypeName} (or the webhook's first exact type) and reports the attempt. */
    public TestResult test(Webhook webhook, String eventTypeName) {
        EventType type = chooseType(webhook, eventTypeName);
        Instant now = clock.instant();
        IamEvent event = SyntheticEvents.of(webhook.getTenant(), type, now);
        // A fresh delivery id: a test is a delivery of its own, never a repeat of an earlier one.
        Delivery delivery = Delivery.newBuilder(Deliveries.of(event, webhook, WebhookPayload.render(event), now))
                .setId(HeraldIds.newDeliveryId())
                .build();
        CompletableFuture<DeliveryAttempt> attempt = new CompletableFuture<>();
        waiting.put(delivery.getId(), attempt);
        Duration patience = (webhook.getTimeoutMs() == null ? DEFAULT_WEBHOOK_TIMEOUT
                : Duration.ofMillis(webhook.getTimeoutMs())).plus(PICKUP_MARGIN);
        try {
            producer.send(new ProducerRecord<>(Topics.DELIVERIES, webhook.getId(), delivery)).get(10, TimeUnit.SECONDS);
            DeliveryAttempt result = attempt.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            return new TestResult(delivery.getId(), type.name(), result.getOutcome().name(), result.getHttpStatus(),
                    result.getLatencyMs(), result.getError(), result.getResponseExcerpt());
        } catch (TimeoutException e) {
            throw new ApiException(HttpStatus.GATEWAY_TIMEOUT, "test_timed_out", "no deliverer reported an attempt "
                    + "within " + patience.toSeconds() + " s; are deliverers running?", List.of());
        } catch (ExecutionException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                    "the test delivery could not be queued; try again", List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "interrupted", "interrupted", List.of());
        } finally {
            waiting.remove(delivery.getId());
        }
    }

    private static EventType chooseType(Webhook webhook, String requested) {
        if (requested != null) {
            return EventCatalog.get().find(requested).orElseThrow(() -> ApiException.invalid(List.of(
                    new FieldProblem("eventType", WebhookValidator.unknownFilterMessage(requested)))));
        }
        return webhook.getEventTypes().stream()
                .map(filter -> EventCatalog.get().find(filter))
                .flatMap(java.util.Optional::stream)
                .findFirst()
                .orElseGet(() -> EventCatalog.get().types().stream()
                        .filter(t -> io.herald.schemas.catalog.EventFilter.matches(webhook.getEventTypes(), t.name()))
                        .findFirst()
                        .orElseThrow());
    }

    private void apply(ConsumerRecord<String, DeliveryAttempt> record) {
        DeliveryAttempt attempt = record.value();
        if (attempt != null) {
            CompletableFuture<DeliveryAttempt> waiter = waiting.get(attempt.getDeliveryId());
            if (waiter != null) {
                waiter.complete(attempt);
            }
        }
    }

    @Override
    public void close() {
        attempts.close();
        producer.close();
    }
}
