package io.herald.router;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.Webhook;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The value serdes of the router's topics.
 *
 * @param records any of Herald's records, for outputs that go to several topics
 */
public record RouterSerdes(Serde<IamEvent> events, Serde<Webhook> webhooks, Serde<Delivery> deliveries,
        Serde<DeliveryAttempt> attempts, Serde<SpecificRecord> records) {

    /** Avro in Confluent wire format against the registry at {@code registry}. */
    public static RouterSerdes registry(RegistryEndpoint registry) {
        return new RouterSerdes(HeraldSerdes.valueSerde(registry), HeraldSerdes.valueSerde(registry),
                HeraldSerdes.valueSerde(registry), HeraldSerdes.valueSerde(registry),
                HeraldSerdes.valueSerde(registry));
    }
}
