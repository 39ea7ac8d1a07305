package io.herald.router.health;

import io.herald.schemas.Topics;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.Webhook;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.Stores;

/**
 * The endpoint-health part of the router: attempts in, and, when a webhook must be disabled, its new version (to
 * the herald.subscriptions topic), an audit entry and a {@code herald.webhook.disabled} event out, atomically.
 */
public final class EndpointHealthTopology {

    /** Each webhook's current run of failed attempts, keyed by webhook id; backed by a changelog topic. */
    public static final String HEALTH_STORE = "endpoint-health";

    private EndpointHealthTopology() {
    }

    /** Told of every webhook disabled, with whether the endpoint answered 410 Gone (for metrics). */
    @FunctionalInterface
    public interface DisabledListener {
        void disabled(boolean gone);
    }

    /**
     * @param webhooksStore the global store of webhooks, keyed {@code tenant:webhookId}
     * @param records serializes the outputs (webhooks, audit entries and events)
     */
    public static void addTo(StreamsBuilder builder, String webhooksStore, Serde<DeliveryAttempt> attempts,
            Serde<SpecificRecord> records, EndpointHealthPolicy policy, DisabledListener disabled, Clock clock) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HEALTH_STORE),
                Serdes.String(), FailureStreakSerde.create()));
        builder.stream(Topics.ATTEMPTS, Consumed.with(Serdes.String(), attempts).withName("attempts-source"))
                .process(() -> new EndpointHealthProcessor(policy, HEALTH_STORE, webhooksStore, disabled, clock),
                        Named.as("endpoint-health"), HEALTH_STORE)
                .to(destination(), Produced.with(Serdes.String(), records).withName("endpoint-health-sink"));
    }

    private static TopicNameExtractor<String, SpecificRecord> destination() {
        return (key, value, context) -> {
            if (value instanceof Webhook) {
                return Topics.SUBSCRIPTIONS;
            }
            if (value instanceof AuditEntry) {
                return Topics.AUDIT;
            }
            if (value instanceof IamEvent) {
                return Topics.HERALD_EVENTS;
            }
            throw new IllegalStateException("endpoint health emitted an unexpected " + value.getClass());
        };
    }
}
