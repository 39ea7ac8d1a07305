package io.herald.schemas.catalog;

import io.herald.schemas.event.IamEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every event type Herald knows. Derived from the Avro envelope alone: each branch of {@code IamEvent.data} is a
 * record carrying an {@code eventType} and a {@code subjectField} property, so the schema is the single source.
 */
public final class EventCatalog {

    private static final EventCatalog INSTANCE = new EventCatalog(IamEvent.getClassSchema());

    private final Map<String, EventType> byName;
    private final Map<Class<?>, EventType> byDataClass;

    private EventCatalog(Schema envelope) {
        Map<String, EventType> names = new LinkedHashMap<>();
        Map<Class<?>, EventType> classes = new LinkedHashMap<>();
        for (Schema data : envelope.getField("data").schema().getTypes()) {
            EventType type = toEventType(data);
            if (names.put(type.name(), type) != null) {
                throw new IllegalStateException("event type declared twice: " + type.name());
            }
            classes.put(type.dataClass(), type);
        }
        this.byName = Map.copyOf(names);
        this.byDataClass = Map.copyOf(classes);
    }

    /** The catalog of the schemas this library was built with. */
    public static EventCatalog get() {
        return INSTANCE;
    }

    public Optional<EventType> find(String typeName) {
        return Optional.ofNullable(typeName).map(byName::get);
    }

    public Optional<EventType> forData(SpecificRecord data) {
        return data == null ? Optional.empty() : Optional.ofNullable(byDataClass.get(data.getClass()));
    }

    /** All types, sorted by name. */
    public List<EventType> types() {
        List<EventType> all = new ArrayList<>(byName.values());
        all.sort(Comparator.comparing(EventType::name));
        return all;
    }

    public Set<String> families() {
        Set<String> families = new TreeSet<>();
        byName.values().forEach(t -> families.add(t.family()));
        return families;
    }

    public Collection<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    @SuppressWarnings("unchecked")
    private static EventType toEventType(Schema data) {
        String name = data.getProp("eventType");
        String subjectField = data.getProp("subjectField");
        if (name == null || subjectField == null || data.getField(subjectField) == null) {
            throw new IllegalStateException("data record " + data.getFullName()
                    + " must declare eventType and an existing subjectField");
        }
        Class<?> dataClass = SpecificData.get().getClass(data);
        if (dataClass == null || !SpecificRecord.class.isAssignableFrom(dataClass)) {
            throw new IllegalStateException("no generated class for " + data.getFullName());
        }
        return new EventType(name, data.getDoc(), data, (Class<? extends SpecificRecord>) dataClass, subjectField);
    }
}
