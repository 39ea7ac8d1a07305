package io.herald.ingest.http;

import io.micronaut.http.HttpStatus;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a management-API request body into its record strictly: every value must already have the JSON type of
 * the field it fills (no number read from a string, no string from a number, no {@code "yes"} as a boolean, no
 * 1.5 as an integer), text must be valid Unicode, and every problem is answered with a 400 naming the field. The
 * framework's own binding coerces silently, so bodies are taken as JSON trees and checked here first. Fields the
 * record doesn't have are ignored, so a webhook read with GET can be sent back with PUT.
 */
@Singleton
public final class JsonBodies {

    private final JsonMapper mapper;

    public JsonBodies(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param body the request body, or null when there was none
     * @return the body as the record, or null when there was no body
     * @throws ApiException 400 naming every field of the wrong type
     */
    public <T extends Record> T read(JsonNode body, Class<T> type) {
        if (body == null || body.isNull()) {
            return null;
        }
        List<FieldProblem> problems = new ArrayList<>();
        if (!body.isObject()) {
            problems.add(new FieldProblem("body", "must be a JSON object"));
        } else {
            checkRecord(body, type, "", problems);
        }
        if (!problems.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "malformed_request", problems.size() == 1
                    ? "a field has the wrong type" : problems.size() + " fields have the wrong type", problems);
        }
        try {
            return mapper.readValueFromTree(body, type);
        } catch (IOException e) {
            // Every value was checked above; what fails here is a shape the checks don't know.
            throw ApiException.badRequest(List.of(new FieldProblem("body", "could not be read as "
                    + type.getSimpleName())));
        }
    }

    /** As {@link #read}, for calls that need a body. */
    public <T extends Record> T readRequired(JsonNode body, Class<T> type) {
        T value = read(body, type);
        if (value == null) {
            throw ApiException.badRequest(List.of(new FieldProblem("body", "is required: a JSON object")));
        }
        return value;
    }

    private static void checkRecord(JsonNode node, Class<?> type, String prefix, List<FieldProblem> problems) {
        for (RecordComponent component : type.getRecordComponents()) {
            JsonNode value = node.get(component.getName());
            if (value != null && !value.isNull()) { // absent and null are the same for these optional fields
                check(value, component.getGenericType(), prefix + component.getName(), problems);
            }
        }
    }

    private static void check(JsonNode node, Type type, String path, List<FieldProblem> problems) {
        if (type instanceof ParameterizedType generic && generic.getRawType() == List.class) {
            if (!node.isArray()) {
                problems.add(new FieldProblem(path, "must be an array"));
                return;
            }
            int i = 0;
            for (JsonNode item : node.values()) {
                elementOrValue(item, generic.getActualTypeArguments()[0], path + "[" + i++ + "]", problems);
            }
        } else if (type instanceof ParameterizedType generic && generic.getRawType() == Map.class) {
            if (!node.isObject()) {
                problems.add(new FieldProblem(path, "must be an object"));
                return;
            }
            for (Map.Entry<String, JsonNode> entry : node.entries()) {
                String keyProblem = JsonValues.unicodeProblem(entry.getKey());
                if (keyProblem != null) {
                    problems.add(new FieldProblem(path, "has a key that " + keyProblem.replaceFirst("^must be",
                            "is not")));
                }
                elementOrValue(entry.getValue(), generic.getActualTypeArguments()[1], path + "." + entry.getKey(),
                        problems);
            }
        } else if (type instanceof Class<?> record && record.isRecord()) {
            if (node.isObject()) {
                checkRecord(node, record, path + ".", problems);
            } else {
                problems.add(new FieldProblem(path, "must be an object"));
            }
        } else {
            String problem = scalarProblem(node, type);
            if (problem != null) {
                problems.add(new FieldProblem(path, problem));
            }
        }
    }

    /** Items of lists and values of maps must be there: a null in them is refused, not dropped. */
    private static void elementOrValue(JsonNode node, Type type, String path, List<FieldProblem> problems) {
        if (node.isNull()) {
            problems.add(new FieldProblem(path, "must not be null"));
        } else {
            check(node, type, path, problems);
        }
    }

    private static String scalarProblem(JsonNode node, Type type) {
        if (type == String.class) {
            return JsonValues.stringProblem(node);
        }
        if (type == Boolean.class || type == boolean.class) {
            return node.isBoolean() ? null : "must be true or false";
        }
        if (type == Integer.class || type == int.class) {
            return JsonValues.integerProblem(node, JsonValues.INT_MIN, JsonValues.INT_MAX);
        }
        if (type == Long.class || type == long.class) {
            return JsonValues.integerProblem(node, JsonValues.LONG_MIN, JsonValues.LONG_MAX);
        }
        if (type == Instant.class) {
            if (!node.isString()) {
                return "must be an ISO-8601 UTC time such as 2026-11-24T10:15:30Z";
            }
            try {
                Instant.parse(node.getStringValue());
                return null;
            } catch (DateTimeParseException e) {
                return "must be an ISO-8601 UTC time such as 2026-11-24T10:15:30Z";
            }
        }
        // JsonBodiesTest fails the build before a body field of a type without a rule can reach here.
        throw new IllegalStateException("no JSON rule for field type " + type);
    }
}
