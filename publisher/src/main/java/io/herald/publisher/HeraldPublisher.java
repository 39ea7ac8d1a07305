package io.herald.publisher;

import io.herald.schemas.CloudEventHeaders;
import io.herald.schemas.tracing.EventSpans;
import io.herald.schemas.tracing.HeraldTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.herald.schemas.IamEvents;
import io.herald.schemas.Topics;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.InvalidEventException;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How an IAM service publishes events to Herald: validated, Avro-encoded against the registry, written to the
 * event's family topic with {@code acks=all} by an idempotent producer, keyed {@code tenant:subject} so each
 * subject's events stay in order, with CloudEvents headers ({@link CloudEventHeaders}) for tools that route
 * without decoding. Thread-safe; create one per service and close it on shutdown.
 *
 * <pre>{@code
 * publisher.publish(IamEvents.of("acme", AuthLoginSucceeded.newBuilder()
 *         .setUserId("usr_42").setMethod("password").build()));
 * }</pre>
 */
public final class HeraldPublisher implements AutoCloseable {

    private final Producer<String, IamEvent> producer;
    private final HeraldTracing tracing;

    HeraldPublisher(Producer<String, IamEvent> producer, HeraldTracing tracing) {
        this.producer = producer;
        this.tracing = tracing;
    }

    /**
     * A publisher that records no spans of its own but passes the caller's current trace (OpenTelemetry's
     * {@code Context.current()}, the agent's included) on with each event to the webhook requests it causes. It
     * leaves GlobalOpenTelemetry alone: reading it would fix it to a no-op for an application that sets it later.
     */
    public static HeraldPublisher create(PublisherConfig config) {
        return create(config, HeraldTracing.off());
    }

    /** A publisher that also records a {@code publish} span per event through the given OpenTelemetry. */
    public static HeraldPublisher create(PublisherConfig config, OpenTelemetry telemetry) {
        return create(config, HeraldTracing.using(telemetry));
    }

    private static HeraldPublisher create(PublisherConfig config, HeraldTracing tracing) {
        Map<String, Object> props = new HashMap<>(config.overrides());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId());
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, Topics.PUBLIC_COMPRESSION);
        props.putIfAbsent(ProducerConfig.COMPRESSION_GZIP_LEVEL_CONFIG, Topics.PUBLIC_COMPRESSION_LEVEL);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.deliveryTimeout().toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(30_000, config.deliveryTimeout().toMillis()));
        // Durability is not negotiable: an acknowledged event is on every in-sync replica, exactly once.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new HeraldPublisher(new KafkaProducer<>(props, new StringSerializer(),
                HeraldSerdes.<IamEvent>valueSerializer(config.registry())), tracing);
    }

    /**
     * Publishes an event.
     *
     * @return completes when the event is durably stored, or fails with the producer's error
     * @throws io.herald.schemas.InvalidEventException at once, naming every problem, if the event breaks the
     *     contract (nothing is sent)
     */
    public CompletableFuture<PublishedEvent> publish(IamEvent event) {
        IamEvents.requireValid(event);
        EventType type = EventCatalog.get().find(event.getType()).orElseThrow();
        if (type.emittedByHerald()) {
            throw new InvalidEventException(List.of("type " + type.name() + " is emitted by Herald only"));
        }
        WebhookPayload.sizeProblem(WebhookPayload.render(event)).ifPresent(problem -> {
            throw new InvalidEventException(List.of("event is too large: " + problem));
        });
        String topic = type.topic();
        CompletableFuture<PublishedEvent> result = new CompletableFuture<>();
        ProducerRecord<String, IamEvent> record = new ProducerRecord<>(topic, null, IamEvents.key(event), event,
                CloudEventHeaders.of(event));
        Span span = EventSpans.publishing(tracing.tracer(), Context.current(), topic, event);
        tracing.inject(Context.current().with(span), record.headers());
        producer.send(record, (metadata, error) -> {
            EventSpans.end(span, error);
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(new PublishedEvent(event.getId(), event.getType(), metadata.topic(),
                        metadata.partition(), metadata.offset()));
            }
        });
        return result;
    }

    /** Publishes a new event of the data's type for a tenant; see {@link IamEvents#of(String, SpecificRecord)}. */
    public CompletableFuture<PublishedEvent> publish(String tenant, SpecificRecord data) {
        return publish(IamEvents.of(tenant, data));
    }

    /** Blocks until every event published so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
