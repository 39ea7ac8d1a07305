package io.herald.ingest.events;

import io.herald.ingest.api.FieldProblem;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.IamEvents;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.event.IamEvent;
import io.micronaut.json.tree.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns an event posted as JSON ({@code {"id", "type", "timestamp", "source", "data"}}, the shape of the webhook
 * body) into an {@link IamEvent}, checking it against the catalog: the type must exist (and not be Herald's own),
 * every data field must have the type its Avro schema gives it, required ones must be there and unknown ones must
 * not. Every problem is reported with the path of the field, none is silently dropped.
 */
public final class JsonEvents {

    private static final Set<String> ENVELOPE_FIELDS = Set.of("id", "type", "timestamp", "tenant", "source", "data");

    private JsonEvents() {
    }

    /** The event, or the problems that keep it from being one. */
    public record Parsed(IamEvent event, List<FieldProblem> problems) {
    }

    /**
     * @param tenant the tenant of the request path; a {@code tenant} in the body must match it
     * @param at the field path prefix for problems, e.g. {@code events[2].}
     * @param now the timestamp of an event that gives none
     */
    public static Parsed parse(JsonNode json, String tenant, String at, Instant now) {
        List<FieldProblem> problems = new ArrayList<>();
        if (json == null || !json.isObject()) {
            problems.add(new FieldProblem(at.isEmpty() ? "body" : at.substring(0, at.length() - 1),
                    "must be an event object"));
            return new Parsed(null, problems);
        }
        for (Map.Entry<String, JsonNode> field : json.entries()) {
            if (!ENVELOPE_FIELDS.contains(field.getKey())) {
                problems.add(new FieldProblem(at + field.getKey(), "is not an event field (expected id, type, "
                        + "timestamp, source, data)"));
            }
        }
        String id = optionalText(json, "id", at, problems);
        String typeName = optionalText(json, "type", at, problems);
        String source = optionalText(json, "source", at, problems);
        String bodyTenant = optionalText(json, "tenant", at, problems);
        if (bodyTenant != null && !bodyTenant.equals(tenant)) {
            problems.add(new FieldProblem(at + "tenant", "must be the tenant of the URL (" + tenant + ") or absent"));
        }
        Instant timestamp = json.get("timestamp") == null || json.get("timestamp").isNull() ? now
                : timestamp(json.get("timestamp"), at + "timestamp", problems);
        EventType type = null;
        if (typeName == null) {
            problems.add(new FieldProblem(at + "type", "is required"));
        } else {
            type = EventCatalog.get().find(typeName).orElse(null);
            if (type == null) {
                problems.add(new FieldProblem(at + "type", "'" + typeName + "' is not in the event catalog"));
            } else if (type.emittedByHerald()) {
                problems.add(new FieldProblem(at + "type", typeName + " is emitted by Herald only"));
            }
        }
        JsonNode data = json.get("data");
        SpecificRecord record = null;
        if (data == null || !data.isObject()) {
            problems.add(new FieldProblem(at + "data", "is required: an object of the type's fields"));
        } else if (type != null) {
            record = (SpecificRecord) convert(type.dataSchema(), data, at + "data", problems);
        }
        if (!problems.isEmpty()) {
            return new Parsed(null, problems);
        }
        IamEvent event = IamEvent.newBuilder()
                .setId(id != null ? id : HeraldIds.newEventId())
                .setType(type.name())
                .setTimestamp(timestamp)
                .setTenant(tenant)
                .setSource(source)
                .setData(record)
                .build();
        IamEvents.problems(event).forEach(problem -> problems.add(new FieldProblem(at.isEmpty() ? "event"
                : at.substring(0, at.length() - 1), problem)));
        return problems.isEmpty() ? new Parsed(event, List.of()) : new Parsed(null, problems);
    }

    private static Object convert(Schema schema, JsonNode node, String path, List<FieldProblem> problems) {
        switch (schema.getType()) {
            case UNION -> {
                if (node == null || node.isNull()) {
                    if (schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL)) {
                        return null;
                    }
                    problems.add(new FieldProblem(path, "must not be null"));
                    return null;
                }
                Schema branch = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL)
                        .findFirst().orElseThrow();
                return convert(branch, node, path, problems);
            }
            case RECORD -> {
                if (!node.isObject()) {
                    problems.add(new FieldProblem(path, "must be an object"));
                    return null;
                }
                return record(schema, node, path, problems);
            }
            case STRING -> {
                if (node.isString()) {
                    return node.getStringValue();
                }
            }
            case BOOLEAN -> {
                if (node.isBoolean()) {
                    return node.getBooleanValue();
                }
            }
            case INT -> {
                if (isIntegral(node) && node.getNumberValue().longValue() == node.getNumberValue().intValue()) {
                    return node.getNumberValue().intValue();
                }
            }
            case LONG -> {
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return timestamp(node, path, problems);
                }
                if (isIntegral(node)) {
                    return node.getNumberValue().longValue();
                }
            }
            case DOUBLE, FLOAT -> {
                if (node.isNumber()) {
                    double value = node.getNumberValue().doubleValue();
                    return schema.getType() == Schema.Type.FLOAT ? (Object) (float) value : (Object) value;
                }
            }
            case ARRAY -> {
                if (node.isArray()) {
                    List<Object> items = new ArrayList<>();
                    int i = 0;
                    for (JsonNode item : node.values()) {
                        items.add(convert(schema.getElementType(), item, path + "[" + i++ + "]", problems));
                    }
                    return items;
                }
            }
            case MAP -> {
                if (node.isObject()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    for (Map.Entry<String, JsonNode> entry : node.entries()) {
                        values.put(entry.getKey(), convert(schema.getValueType(), entry.getValue(),
                                path + "." + entry.getKey(), problems));
                    }
                    return values;
                }
            }
            case ENUM -> {
                if (node.isString() && schema.getEnumSymbols().contains(node.getStringValue())) {
                    return SpecificData.get().createEnum(node.getStringValue(), schema);
                }
                problems.add(new FieldProblem(path, "must be one of " + String.join(", ", schema.getEnumSymbols())));
                return null;
            }
            default -> {
                problems.add(new FieldProblem(path, "has an unsupported type " + schema.getType()));
                return null;
            }
        }
        problems.add(new FieldProblem(path, "must be " + describe(schema)));
        return null;
    }

    private static Object record(Schema schema, JsonNode node, String path, List<FieldProblem> problems) {
        Object record = SpecificData.get().newRecord(null, schema);
        Set<String> known = new HashSet<>();
        for (Schema.Field field : schema.getFields()) {
            known.add(field.name());
            JsonNode value = node.get(field.name());
            Object converted;
            if (value == null) {
                if (!field.hasDefaultValue()) {
                    problems.add(new FieldProblem(path + "." + field.name(), "is required"));
                    continue;
                }
                converted = SpecificData.get().getDefaultValue(field);
            } else {
                converted = convert(field.schema(), value, path + "." + field.name(), problems);
            }
            ((SpecificRecord) record).put(field.pos(), converted);
        }
        for (Map.Entry<String, JsonNode> entry : node.entries()) {
            if (!known.contains(entry.getKey())) {
                problems.add(new FieldProblem(path + "." + entry.getKey(), "is not a field of "
                        + schema.getName() + " (fields: " + String.join(", ",
                        schema.getFields().stream().map(Schema.Field::name).toList()) + ")"));
            }
        }
        return record;
    }

    private static Instant timestamp(JsonNode node, String path, List<FieldProblem> problems) {
        if (node.isString()) {
            try {
                return Instant.parse(node.getStringValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        } else if (isIntegral(node)) {
            return Instant.ofEpochMilli(node.getNumberValue().longValue());
        }
        problems.add(new FieldProblem(path, "must be an ISO-8601 UTC time such as 2026-11-24T10:15:30Z, or epoch "
                + "milliseconds"));
        return null;
    }

    private static String optionalText(JsonNode json, String field, String at, List<FieldProblem> problems) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            problems.add(new FieldProblem(at + field, "must be a string"));
            return null;
        }
        return node.getStringValue();
    }

    private static boolean isIntegral(JsonNode node) {
        if (!node.isNumber()) {
            return false;
        }
        Number number = node.getNumberValue();
        if (number instanceof Double || number instanceof Float || number instanceof BigDecimal) {
            double value = number.doubleValue();
            return value == Math.rint(value) && !Double.isInfinite(value);
        }
        return true;
    }

    private static String describe(Schema schema) {
        return switch (schema.getType()) {
            case STRING -> "a string";
            case BOOLEAN -> "true or false";
            case INT, LONG -> "an integer";
            case DOUBLE, FLOAT -> "a number";
            case ARRAY -> "an array";
            case MAP -> "an object";
            default -> "a " + schema.getType().getName();
        };
    }
}
