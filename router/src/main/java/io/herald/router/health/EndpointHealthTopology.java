package io.herald.router.health;

import io.herald.schemas.Topics;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.health.WebhookDisableRequest;
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
 * The endpoint-health part of the router: attempts in, and, when a webhook must be disabled, a request to disable
 * it out (to herald.webhook-disable-requests; the ingest service, the one writer of webhooks, carries it out).
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
     * @param records serializes the outputs (disable requests)
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
            if (value instanceof WebhookDisableRequest) {
                return Topics.WEBHOOK_DISABLE_REQUESTS;
            }
            throw new IllegalStateException("endpoint health emitted an unexpected " + value.getClass());
        };
    }
}
