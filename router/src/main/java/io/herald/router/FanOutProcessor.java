package io.herald.router;

import io.herald.router.quarantine.RejectedEventException;
import io.herald.schemas.Deliveries;
import io.herald.schemas.IamEvents;
import io.herald.schemas.WebhookKeys;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.catalog.EventFilter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.Webhook;
import io.herald.runtime.logging.LogKeys;
import io.herald.schemas.tracing.EventSpans;
import io.herald.schemas.tracing.HeraldTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one IAM event into one {@link Delivery} per active webhook of the event's tenant whose filters match its
 * type, keyed by webhook id. Looks the tenant's webhooks up with a prefix scan of the global webhook store
 * (keys are {@code tenant:webhookId}), so other tenants' webhooks are never even read, and remembers them until the
 * store changes ({@link TenantWebhooks}).
 */
final class FanOutProcessor implements Processor<String, IamEvent, String, Delivery> {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutProcessor.class);
    private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

    private final Clock clock;
    private final RouterMetrics metrics;
    private final HeraldTracing tracing;
    private final TenantWebhooks tenantWebhooks;
    private ProcessorContext<String, Delivery> context;
    private TimestampedKeyValueStore<String, Webhook> webhookStore;

    FanOutProcessor(Clock clock, RouterMetrics metrics, HeraldTracing tracing, WebhookChanges changes) {
        this.clock = clock;
        this.metrics = metrics;
        this.tracing = tracing;
        this.tenantWebhooks = new TenantWebhooks(changes);
    }

    @Override
    public void init(ProcessorContext<String, Delivery> context) {
        this.context = context;
        this.webhookStore = context.getStateStore(RouterTopology.WEBHOOKS_STORE);
    }

    /** The webhook body; an event too large to deliver goes to quarantine (before any delivery is forwarded). */
    private static String deliverableBody(IamEvent event) {
        String body = WebhookPayload.render(event);
        WebhookPayload.sizeProblem(body).ifPresent(problem -> {
            throw new RejectedEventException("event too large to deliver: " + problem);
        });
        return body;
    }

    @Override
    public void process(Record<String, IamEvent> record) {
        IamEvent event = record.value();
        if (event == null) {
            return; // a tombstone on an event topic carries nothing to deliver
        }
        List<String> problems = IamEvents.problems(event);
        if (!problems.isEmpty()) {
            throw new RejectedEventException("invalid event: " + String.join("; ", problems)); // to quarantine
        }
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        Context producer = tracing.extract(record.headers());
        Span span = EventSpans.routing(tracing.tracer(), producer, topic, event);
        // Every delivery carries the route span on as its parent (the producer's context when nothing is recorded).
        Headers headers = new RecordHeaders(record.headers().toArray());
        tracing.inject(producer.with(span), headers);
        String body = null;
        int fanOut = 0;
        try {
            for (Webhook webhook : tenantWebhooks.of(event.getTenant(), this::activeWebhooks)) {
                if (!matches(webhook, event)) {
                    continue;
                }
                body = body != null ? body : deliverableBody(event);
                context.forward(record.withKey(webhook.getId()).withHeaders(headers)
                        .withValue(Deliveries.of(event, webhook, body, clock.instant())));
                fanOut++;
            }
        } finally {
            span.setAttribute(EventSpans.FAN_OUT, (long) fanOut);
            span.end();
        }
        metrics.routed(event.getType(), event.getTenant(), fanOut);
        LogKeys.event(LOG.atDebug(), event).addKeyValue("fan_out", fanOut).log(
                "Event {} ({}) of tenant {} routed to {} webhooks", event.getId(), event.getType(), event.getTenant(),
                fanOut);
    }

    /** The tenant's active webhooks, read from the store. */
    private List<Webhook> activeWebhooks(String tenant) {
        List<Webhook> active = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<Webhook>> stored =
                     webhookStore.prefixScan(WebhookKeys.tenantPrefix(tenant), KEY_SERIALIZER)) {
            while (stored.hasNext()) {
                ValueAndTimestamp<Webhook> entry = stored.next().value;
                Webhook webhook = entry == null ? null : entry.value();
                if (webhook != null && webhook.getActive()) {
                    active.add(webhook);
                }
            }
        }
        return active;
    }

    /** Whether one of the tenant's active webhooks wants the event. */
    private static boolean matches(Webhook webhook, IamEvent event) {
        return webhook.getTenant().equals(event.getTenant()) // the key prefix already ensures it; never trust one check
                && EventFilter.matches(webhook.getEventTypes(), event.getType());
    }
}
