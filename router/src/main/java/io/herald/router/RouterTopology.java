package io.herald.router;

import io.herald.schemas.tracing.HeraldTracing;

import io.herald.schemas.Topics;
import io.herald.router.health.EndpointHealthPolicy;
import io.herald.router.health.EndpointHealthTopology;
import io.herald.schemas.webhook.Webhook;
import java.time.Clock;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The router's topology: every event topic, joined with the webhooks (a global store, keyed
 * {@code tenant:webhookId}), fanned out to {@link Topics#DELIVERIES}; and the attempts, followed to disable
 * webhooks that keep failing ({@link EndpointHealthTopology}). Processors and the store are named
 * explicitly so that changes to the topology don't rename them.
 */
public final class RouterTopology {

    /** Older than the word webhook in the code; the name is the store's directory, so it stays. */
    public static final String WEBHOOKS_STORE = "subscriptions-by-tenant";

    private RouterTopology() {
    }

    public static Topology build(RouterSerdes serdes, EndpointHealthPolicy health, RouterMetrics metrics,
            HeraldTracing tracing, Clock clock) {
        Serde<Webhook> webhookSerde = serdes.webhooks();
        StreamsBuilder builder = new StreamsBuilder();
        WebhookChanges changes = new WebhookChanges();
        // A global store with our own updater (rather than a global table) so routing learns of every change.
        builder.addGlobalStore(Stores.timestampedKeyValueStoreBuilder(
                                Stores.persistentTimestampedKeyValueStore(WEBHOOKS_STORE), Serdes.String(),
                                webhookSerde)
                        .withLoggingDisabled(),
                Topics.SUBSCRIPTIONS,
                Consumed.with(Serdes.String(), webhookSerde).withName("subscriptions-source"),
                () -> new WebhookStoreUpdater(changes));
        builder.stream(Topics.eventTopics(), Consumed.with(Serdes.String(), serdes.events())
                        .withName("iam-events-source"))
                .process(() -> new FanOutProcessor(clock, metrics, tracing, changes), Named.as("fan-out-to-webhooks"))
                .to(Topics.DELIVERIES, Produced.with(Serdes.String(), serdes.deliveries()).withName("deliveries-sink"));
        EndpointHealthTopology.addTo(builder, WEBHOOKS_STORE, serdes.attempts(), serdes.records(), health,
                metrics::webhookDisabled, clock);
        return builder.build();
    }
}
