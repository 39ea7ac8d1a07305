package io.herald.router;

import io.herald.schemas.tracing.HeraldTracing;

import io.herald.schemas.Topics;
import io.herald.router.health.EndpointHealthPolicy;
import io.herald.router.health.EndpointHealthTopology;
import io.herald.schemas.subscription.Subscription;
import java.time.Clock;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The router's topology: every event topic, joined with the subscriptions (a global table, keyed
 * {@code tenant:webhookId}), fanned out to {@link Topics#DELIVERIES}; and the attempts, followed to disable
 * webhooks that keep failing ({@link EndpointHealthTopology}). Processors and the store are named
 * explicitly so that changes to the topology don't rename them.
 */
public final class RouterTopology {

    public static final String SUBSCRIPTIONS_STORE = "subscriptions-by-tenant";

    private RouterTopology() {
    }

    public static Topology build(RouterSerdes serdes, EndpointHealthPolicy health, RouterMetrics metrics,
            HeraldTracing tracing, Clock clock) {
        Serde<Subscription> subscriptions = serdes.subscriptions();
        StreamsBuilder builder = new StreamsBuilder();
        builder.globalTable(Topics.SUBSCRIPTIONS,
                Consumed.with(Serdes.String(), subscriptions).withName("subscriptions-source"),
                Materialized.<String, Subscription, KeyValueStore<Bytes, byte[]>>as(SUBSCRIPTIONS_STORE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(subscriptions));
        builder.stream(Topics.eventTopics(), Consumed.with(Serdes.String(), serdes.events())
                        .withName("iam-events-source"))
                .process(() -> new FanOutProcessor(clock, metrics, tracing), Named.as("fan-out-to-webhooks"))
                .to(Topics.DELIVERIES, Produced.with(Serdes.String(), serdes.deliveries()).withName("deliveries-sink"));
        EndpointHealthTopology.addTo(builder, SUBSCRIPTIONS_STORE, serdes.attempts(), serdes.records(), health,
                metrics::webhookDisabled, clock);
        return builder.build();
    }
}
