package io.herald.ingest.webhooks;

import io.herald.schemas.IamEvents;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.event.IamEvent;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Events of any catalog type with every data field filled with a placeholder, for webhook tests and checks. */
public final class SyntheticEvents {

    private SyntheticEvents() {
    }

    public static IamEvent of(String tenant, EventType type, Instant now) {
        SpecificRecord data = (SpecificRecord) SpecificData.get().newRecord(null, type.dataSchema());
        for (Schema.Field field : type.dataSchema().getFields()) {
            data.put(field.pos(), sample(field.name(), field.schema(), now));
        }
        return IamEvents.of(tenant, data, now);
    }

    private static Object sample(String name, Schema schema, Instant now) {
        return switch (schema.getType()) {
            case UNION -> sample(name, schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL)
                    .findFirst().orElseThrow(), now);
            case STRING -> name.toLowerCase().contains("email") ? "test@example.com"
                    : name.toLowerCase().contains("ipaddress") ? "192.0.2.10" : "test_" + name;
            case INT -> 1;
            case LONG -> "timestamp-millis".equals(schema.getProp("logicalType"))
                    || schema.getLogicalType() != null ? (Object) now : (Object) 1L;
            case DOUBLE -> 0.5;
            case FLOAT -> 0.5f;
            case BOOLEAN -> false;
            case ARRAY -> List.of();
            case MAP -> java.util.Map.of();
            default -> throw new IllegalStateException("no sample for " + schema);
        };
    }
}
