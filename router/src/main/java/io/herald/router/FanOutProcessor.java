package io.herald.router;

import io.herald.router.quarantine.RejectedEventException;
import io.herald.schemas.Deliveries;
import io.herald.schemas.IamEvents;
import io.herald.schemas.SubscriptionKeys;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.catalog.EventFilter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.subscription.Subscription;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one IAM event into one {@link Delivery} per active webhook of the event's tenant whose filters match its
 * type, keyed by webhook id. Looks the tenant's webhooks up with a prefix scan of the global subscriptions store
 * (keys are {@code tenant:webhookId}), so other tenants' webhooks are never even read.
 */
final class FanOutProcessor implements Processor<String, IamEvent, String, Delivery> {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutProcessor.class);
    private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

    private final Clock clock;
    private final RouterMetrics metrics;
    private ProcessorContext<String, Delivery> context;
    private TimestampedKeyValueStore<String, Subscription> subscriptions;

    FanOutProcessor(Clock clock, RouterMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Delivery> context) {
        this.context = context;
        this.subscriptions = context.getStateStore(RouterTopology.SUBSCRIPTIONS_STORE);
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
        String body = null;
        int fanOut = 0;
        try (KeyValueIterator<String, ValueAndTimestamp<Subscription>> tenantWebhooks =
                     subscriptions.prefixScan(SubscriptionKeys.tenantPrefix(event.getTenant()), KEY_SERIALIZER)) {
            while (tenantWebhooks.hasNext()) {
                ValueAndTimestamp<Subscription> stored = tenantWebhooks.next().value;
                Subscription webhook = stored == null ? null : stored.value();
                if (!matches(webhook, event)) {
                    continue;
                }
                body = body != null ? body : WebhookPayload.render(event);
                context.forward(record.withKey(webhook.getId())
                        .withValue(Deliveries.of(event, webhook, body, clock.instant())));
                fanOut++;
            }
        }
        metrics.routed(event.getType().substring(0, event.getType().indexOf('.')), fanOut);
        LOG.debug("Event {} ({}) of tenant {} routed to {} webhooks", event.getId(), event.getType(),
                event.getTenant(), fanOut);
    }

    private static boolean matches(Subscription webhook, IamEvent event) {
        return webhook != null
                && webhook.getActive()
                && webhook.getTenant().equals(event.getTenant()) // the key prefix already ensures it; never trust one check
                && EventFilter.matches(webhook.getEventTypes(), event.getType());
    }
}
