package io.herald.ingest.events;

import static io.herald.ingest.http.JsonValues.INT_MAX;
import static io.herald.ingest.http.JsonValues.INT_MIN;
import static io.herald.ingest.http.JsonValues.LONG_MAX;
import static io.herald.ingest.http.JsonValues.LONG_MIN;
import static io.herald.ingest.http.JsonValues.integerProblem;
import static io.herald.ingest.http.JsonValues.stringProblem;
import static io.herald.ingest.http.JsonValues.unicodeProblem;

import io.herald.ingest.http.FieldProblem;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.IamEvents;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.event.IamEvent;
import io.micronaut.json.tree.JsonNode;
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
    /** Event times Herald accepts: 1970-01-01T00:00:00Z up to 9999-12-31T23:59:59.999Z (Avro timestamp-millis). */
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final int MAX_SOURCE_LENGTH = 256;

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
        if (source != null && source.length() > MAX_SOURCE_LENGTH) {
            problems.add(new FieldProblem(at + "source", "must be at most " + MAX_SOURCE_LENGTH + " characters"));
        }
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
        String eventPath = at.isEmpty() ? "event" : at.substring(0, at.length() - 1);
        IamEvents.problems(event).forEach(problem -> problems.add(new FieldProblem(eventPath, problem)));
        if (problems.isEmpty()) {
            WebhookPayload.sizeProblem(WebhookPayload.render(event))
                    .ifPresent(problem -> problems.add(new FieldProblem(eventPath, "is too large: " + problem)));
        }
        return problems.isEmpty() ? new Parsed(event, List.of()) : new Parsed(null, problems);
    }

    /** The node as the schema's Java value, or null with a problem added; never a value changed on the way. */
    private static Object convert(Schema schema, JsonNode node, String path, List<FieldProblem> problems) {
        if (schema.getType() == Schema.Type.UNION) {
            if (node.isNull()) {
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
        if (node.isNull()) {
            problems.add(new FieldProblem(path, "must not be null: " + describe(schema) + " is required"));
            return null;
        }
        String problem = switch (schema.getType()) {
            case RECORD -> node.isObject() ? null : "must be an object";
            case STRING -> stringProblem(node);
            case BOOLEAN -> node.isBoolean() ? null : "must be true or false";
            case INT -> integerProblem(node, INT_MIN, INT_MAX);
            case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis ? null
                    : integerProblem(node, LONG_MIN, LONG_MAX);
            case DOUBLE, FLOAT -> decimalProblem(node, schema.getType() == Schema.Type.FLOAT);
            case ARRAY -> node.isArray() ? null : "must be an array";
            case MAP -> node.isObject() ? null : "must be an object";
            case ENUM -> node.isString() && schema.getEnumSymbols().contains(node.getStringValue()) ? null
                    : "must be one of " + String.join(", ", schema.getEnumSymbols());
            default -> "has an unsupported type " + schema.getType();
        };
        if (problem != null) {
            problems.add(new FieldProblem(path, problem));
            return null;
        }
        return switch (schema.getType()) {
            case RECORD -> record(schema, node, path, problems);
            case STRING -> node.getStringValue();
            case BOOLEAN -> node.getBooleanValue();
            case INT -> node.getNumberValue().intValue();
            case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                    ? timestamp(node, path, problems) : node.getNumberValue().longValue();
            case DOUBLE -> node.getNumberValue().doubleValue();
            case FLOAT -> node.getNumberValue().floatValue();
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                int i = 0;
                for (JsonNode item : node.values()) {
                    items.add(convert(schema.getElementType(), item, path + "[" + i++ + "]", problems));
                }
                yield items;
            }
            case MAP -> {
                Map<String, Object> values = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> entry : node.entries()) {
                    String keyProblem = unicodeProblem(entry.getKey());
                    if (keyProblem != null) {
                        problems.add(new FieldProblem(path, "has a key that is not valid Unicode (a lone surrogate)"));
                    }
                    values.put(entry.getKey(), convert(schema.getValueType(), entry.getValue(),
                            path + "." + entry.getKey(), problems));
                }
                yield values;
            }
            default -> SpecificData.get().createEnum(node.getStringValue(), schema); // ENUM
        };
    }

    private static String decimalProblem(JsonNode node, boolean single) {
        if (!node.isNumber()) {
            return "must be a number";
        }
        double value = node.getNumberValue().doubleValue();
        boolean fits = single ? Math.abs(value) <= Float.MAX_VALUE : Double.isFinite(value);
        return fits ? null : "must be a finite number within the range of a " + (single ? "float" : "double");
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
            if (converted != null) { // null only where the schema allows it, or with a problem reported
                ((SpecificRecord) record).put(field.pos(), converted);
            }
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
        Instant instant = null;
        if (node.isString()) {
            try {
                instant = Instant.parse(node.getStringValue());
            } catch (DateTimeParseException e) {
                // reported below
            }
        } else if (integerProblem(node, LONG_MIN, LONG_MAX) == null) {
            instant = Instant.ofEpochMilli(node.getNumberValue().longValue());
        }
        if (instant == null || instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            problems.add(new FieldProblem(path, "must be an ISO-8601 UTC time such as 2026-11-24T10:15:30Z, or epoch "
                    + "milliseconds, from " + EARLIEST + " to " + LATEST));
            return null;
        }
        return instant;
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
        String unicode = unicodeProblem(node.getStringValue());
        if (unicode != null) {
            problems.add(new FieldProblem(at + field, unicode));
            return null;
        }
        return node.getStringValue();
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
