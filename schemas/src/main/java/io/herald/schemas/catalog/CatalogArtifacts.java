package io.herald.schemas.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.herald.schemas.serde.HeraldSerdes;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The catalog as documents, made from the Avro schemas by the build: a Markdown table of every event type, and a
 * JSON Schema (draft 2020-12) of each type's webhook body, for receivers to validate against or generate code from.
 * {@code main} writes them under the given directory ({@code target/catalog} in the build).
 */
public final class CatalogArtifacts {

    private static final JsonFactory JSON = new JsonFactory();

    private CatalogArtifacts() {
    }

    public static void main(String[] args) throws IOException {
        HeraldSerdes.trustHeraldRecords();
        Path out = Path.of(args.length > 0 ? args[0] : "target/catalog");
        Files.createDirectories(out.resolve("json-schema"));
        Files.writeString(out.resolve("events.md"), markdown(EventCatalog.get()));
        for (EventType type : EventCatalog.get().types()) {
            Files.writeString(out.resolve("json-schema").resolve(type.name() + ".json"), jsonSchema(type));
        }
    }

    /** The catalog as a Markdown document: one row per event type. */
    public static String markdown(EventCatalog catalog) {
        StringBuilder md = new StringBuilder();
        md.append("# Herald event catalog\n\n")
                .append("Generated from the Avro schemas in `schemas/src/main/avro` (`CatalogArtifacts`); do not edit.\n")
                .append("Every event's record key is `tenant:<subject>` (`tenant:` with nothing after it when the ")
                .append("subject field is null); the webhook body is ")
                .append("`{\"id\", \"type\", \"timestamp\", \"tenant\", \"data\"}` and its JSON Schema is ")
                .append("`json-schema/<type>.json`. A field marked `?` may be null.\n\n")
                .append("| type | family | topic | subject | description | data fields |\n")
                .append("|---|---|---|---|---|---|\n");
        for (EventType type : catalog.types()) {
            md.append("| `").append(type.name()).append("` | ").append(type.family()).append(" | `")
                    .append(type.topic()).append("` | `").append(type.subjectField()).append("` | ")
                    .append(type.description().replace("|", "\\|")).append(" | ")
                    .append(type.dataSchema().getFields().stream().map(CatalogArtifacts::describeField)
                            .collect(Collectors.joining(", ")))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** The JSON Schema of the webhook body of one event type. */
    public static String jsonSchema(EventType type) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out).useDefaultPrettyPrinter()) {
            json.writeStartObject();
            json.writeStringField("$schema", "https://json-schema.org/draft/2020-12/schema");
            json.writeStringField("$id", "https://herald.dev/schemas/events/" + type.name() + ".json");
            json.writeStringField("title", type.name());
            json.writeStringField("description", type.description());
            json.writeStringField("type", "object");
            json.writeArrayFieldStart("required");
            for (String field : List.of("id", "type", "timestamp", "tenant", "data")) {
                json.writeString(field);
            }
            json.writeEndArray();
            json.writeBooleanField("additionalProperties", false);
            json.writeObjectFieldStart("properties");
            json.writeObjectFieldStart("id");
            json.writeStringField("type", "string");
            json.writeStringField("description", "Unique event id; receivers deduplicate deliveries on webhook-id");
            json.writeEndObject();
            json.writeObjectFieldStart("type");
            json.writeStringField("const", type.name());
            json.writeEndObject();
            json.writeObjectFieldStart("timestamp");
            json.writeStringField("type", "string");
            json.writeStringField("format", "date-time");
            json.writeEndObject();
            json.writeObjectFieldStart("tenant");
            json.writeStringField("type", "string");
            json.writeStringField("pattern", "^[a-z0-9-]{1,63}$");
            json.writeEndObject();
            json.writeFieldName("data");
            writeSchema(json, type.dataSchema(), null);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON in memory cannot fail", e);
        }
        return out + "\n";
    }

    private static void writeSchema(JsonGenerator json, Schema schema, String description) throws IOException {
        json.writeStartObject();
        if (description != null) {
            json.writeStringField("description", description);
        }
        writeType(json, schema);
        json.writeEndObject();
    }

    /** The keywords of one Avro type; a [null, X] union is X's keywords with "null" added to its type. */
    private static void writeType(JsonGenerator json, Schema schema) throws IOException {
        switch (schema.getType()) {
            case UNION -> {
                Schema branch = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL)
                        .findFirst().orElseThrow();
                json.writeArrayFieldStart("type");
                json.writeString(jsonType(branch));
                json.writeString("null");
                json.writeEndArray();
                writeDetails(json, branch);
            }
            default -> {
                json.writeStringField("type", jsonType(schema));
                writeDetails(json, schema);
            }
        }
    }

    private static void writeDetails(JsonGenerator json, Schema schema) throws IOException {
        switch (schema.getType()) {
            case LONG -> {
                if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    json.writeStringField("format", "date-time");
                }
            }
            case ENUM -> {
                json.writeArrayFieldStart("enum");
                for (String symbol : schema.getEnumSymbols()) {
                    json.writeString(symbol);
                }
                json.writeEndArray();
            }
            case ARRAY -> {
                json.writeObjectFieldStart("items");
                writeType(json, schema.getElementType());
                json.writeEndObject();
            }
            case MAP -> {
                json.writeObjectFieldStart("additionalProperties");
                writeType(json, schema.getValueType());
                json.writeEndObject();
            }
            case RECORD -> {
                json.writeArrayFieldStart("required");
                for (Schema.Field field : schema.getFields()) {
                    json.writeString(field.name()); // the body always carries every field, null or not
                }
                json.writeEndArray();
                json.writeBooleanField("additionalProperties", false);
                json.writeObjectFieldStart("properties");
                for (Schema.Field field : schema.getFields()) {
                    json.writeFieldName(field.name());
                    writeSchema(json, field.schema(), field.doc());
                }
                json.writeEndObject();
            }
            default -> {
            }
        }
    }

    private static String jsonType(Schema schema) {
        return switch (schema.getType()) {
            case STRING, ENUM, BYTES -> "string";
            case LONG -> schema.getLogicalType() instanceof LogicalTypes.TimestampMillis ? "string" : "integer";
            case INT -> "integer";
            case FLOAT, DOUBLE -> "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case MAP, RECORD -> "object";
            default -> throw new IllegalStateException("no JSON type for " + schema.getType());
        };
    }

    private static String describeField(Schema.Field field) {
        Schema schema = field.schema();
        boolean nullable = schema.getType() == Schema.Type.UNION;
        Schema type = nullable ? schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL)
                .findFirst().orElseThrow() : schema;
        String name = type.getLogicalType() instanceof LogicalTypes.TimestampMillis ? "timestamp"
                : type.getType() == Schema.Type.ARRAY ? type.getElementType().getType().getName() + "[]"
                : type.getType().getName();
        return "`" + field.name() + "` " + name + (nullable ? "?" : "");
    }
}
