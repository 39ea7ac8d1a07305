package io.herald.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.delivery.DeadLetter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.Webhook;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeraldSerdesTest {

    @Test
    void everyHeraldRecordDecodesWithAvrosCachedSchemaResolution() {
        new HeraldAvroDeserializer<IamEvent>(); // loads the serdes, as any use does
        assertThat(List.of(IamEvent.class, Delivery.class, DeliveryAttempt.class, DeadLetter.class,
                Webhook.class, AuditEntry.class)).allMatch(HeraldSerdes::decodesWithCachedResolution);
    }
}
