package io.herald.ingest.catalog;

import io.herald.schemas.catalog.EventType;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** One catalog entry as the API shows it. */
@Serdeable
public record EventTypeView(String type, String family, String topic, String description, List<String> dataFields) {

    static EventTypeView of(EventType type) {
        return new EventTypeView(type.name(), type.family(), type.topic(), type.description(), type.dataFields());
    }
}
