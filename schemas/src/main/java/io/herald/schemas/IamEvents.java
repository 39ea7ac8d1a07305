package io.herald.schemas;

import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.event.IamEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Builds and checks IAM event envelopes. The data record decides the type, so an event can't claim a type its
 * data doesn't have: {@code IamEvents.of("acme", AuthLoginSucceeded.newBuilder()...build())}.
 */
public final class IamEvents {

    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    private IamEvents() {
    }

    /** A new event of the data's type, with a fresh {@code evt_} id and the current time. */
    public static IamEvent of(String tenant, SpecificRecord data) {
        return of(tenant, data, Instant.now());
    }

    public static IamEvent of(String tenant, SpecificRecord data, Instant timestamp) {
        EventType type = EventCatalog.get().forData(data).orElseThrow(() -> new InvalidEventException(List.of(
                "data " + (data == null ? "is missing" : data.getClass().getName() + " is not an event data record"))));
        IamEvent event = IamEvent.newBuilder()
                .setId(HeraldIds.newEventId())
                .setType(type.name())
                .setTimestamp(timestamp)
                .setTenant(tenant)
                .setData(data)
                .build();
        return requireValid(event);
    }

    /** Returns the event if it honours the contract, else throws {@link InvalidEventException} naming each problem. */
    public static IamEvent requireValid(IamEvent event) {
        List<String> problems = problems(event);
        if (!problems.isEmpty()) {
            throw new InvalidEventException(problems);
        }
        return event;
    }

    /** Every way the event breaks the contract; empty when it is valid. */
    public static List<String> problems(IamEvent event) {
        List<String> problems = new ArrayList<>();
        if (event == null) {
            return List.of("event is missing");
        }
        if (event.getId() == null || !EVENT_ID.matcher(event.getId()).matches()) {
            problems.add("id must be 1-128 characters of letters, digits, '_', '.', ':' or '-' (got "
                    + quote(event.getId()) + ")");
        }
        if (!Tenants.isValid(event.getTenant())) {
            problems.add("tenant must be a slug of lower-case letters, digits and '-', 1-63 characters (got "
                    + quote(event.getTenant()) + ")");
        }
        if (event.getTimestamp() == null) {
            problems.add("timestamp is missing");
        }
        EventType type = EventCatalog.get().find(event.getType()).orElse(null);
        if (type == null) {
            problems.add("type " + quote(event.getType()) + " is not in the event catalog");
        }
        Object data = event.getData();
        if (data == null) {
            problems.add("data is missing");
        } else if (type != null && !type.dataClass().isInstance(data)) {
            problems.add("data of type " + type.name() + " must be a " + type.dataClass().getSimpleName()
                    + ", not a " + data.getClass().getSimpleName());
        } else if (type != null) {
            List<String> missing = missingFields(type, (SpecificRecord) data);
            if (!missing.isEmpty()) {
                problems.add("data of " + type.name() + " is missing required fields: " + String.join(", ", missing));
            }
        }
        return problems;
    }

    /**
     * The record key: {@code tenant:subject}, so one subject's events stay in order on one partition. An event
     * whose subject field is null (a failed sign-in for an unknown user, a token issued to no user) is keyed
     * {@code tenant:} with an empty subject: the key always has the same shape, and such events of one tenant keep
     * their order among themselves.
     */
    public static String key(IamEvent event) {
        EventType type = EventCatalog.get().find(event.getType()).orElseThrow();
        Object subject = ((SpecificRecord) event.getData()).get(type.dataSchema().getField(type.subjectField()).pos());
        return event.getTenant() + ':' + (subject == null ? "" : subject);
    }

    /** Fields that are null although the schema doesn't allow it (Java types already enforce the rest). */
    private static List<String> missingFields(EventType type, SpecificRecord data) {
        List<String> missing = new ArrayList<>();
        for (Schema.Field field : type.dataSchema().getFields()) {
            if (data.get(field.pos()) == null && !allowsNull(field.schema())) {
                missing.add(field.name());
            }
        }
        return missing;
    }

    private static boolean allowsNull(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
    }

    private static String quote(String value) {
        return value == null ? "null" : '"' + value + '"';
    }
}
