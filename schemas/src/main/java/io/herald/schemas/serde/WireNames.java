package io.herald.schemas.serde;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The names Herald's records carry on the wire, where a record was renamed in the code: the schema registered and
 * written under the old name, so that readers that know only the old name (an earlier Herald during a rolling
 * upgrade, a SIEM's classes generated from the registry) keep reading; Herald reads both, through the renamed
 * records' aliases. Binary Avro carries no names, so the bytes are the same under either name.
 *
 * <p>A rename takes two releases: this one writes the old name and reads both; once no deployment runs a release
 * that knows only the old name, the next may drop the namespace from {@link #RENAMED_NAMESPACES} and the name
 * from {@link #RENAMED_RECORDS}.
 */
final class WireNames {

    /** Namespace in the code, to namespace on the wire. */
    static final Map<String, String> RENAMED_NAMESPACES = Map.of(
            "io.herald.schemas.webhook", "io.herald.schemas.subscription");
    /** Full name in the code, to simple name on the wire (within its namespace's wire name). */
    static final Map<String, String> RENAMED_RECORDS = Map.of(
            "io.herald.schemas.webhook.Webhook", "Subscription");

    private WireNames() {
    }

    /** The schema as written to the wire: {@code schema} itself when nothing in it was renamed. */
    static Schema wireSchemaOf(Schema schema) {
        return new Renamer().copy(schema);
    }

    /** The full name a record of this code name carries on the wire. */
    static String wireName(Schema named) {
        String namespace = RENAMED_NAMESPACES.getOrDefault(named.getNamespace(), named.getNamespace());
        String name = RENAMED_RECORDS.getOrDefault(named.getFullName(), named.getName());
        return namespace == null ? name : namespace + "." + name;
    }

    private static boolean renamed(Schema named) {
        return !wireName(named).equals(named.getFullName());
    }

    /** Copies a schema with wire names, each named type once (a later reference reuses the copy). */
    private static final class Renamer {

        private final Map<Schema, Schema> copies = new IdentityHashMap<>();

        Schema copy(Schema schema) {
            if (!mentionsRenamed(schema, new IdentityHashMap<>())) {
                return schema;
            }
            return copyOf(schema);
        }

        private Schema copyOf(Schema schema) {
            Schema done = copies.get(schema);
            if (done != null) {
                return done;
            }
            Schema copy = switch (schema.getType()) {
                case RECORD -> {
                    Schema record = Schema.createRecord(simpleName(schema), schema.getDoc(), namespace(schema),
                            schema.isError());
                    copies.put(schema, record); // before the fields: a record may refer to itself
                    List<Schema.Field> fields = new ArrayList<>();
                    for (Schema.Field field : schema.getFields()) {
                        Schema.Field copied = new Schema.Field(field, copyOf(field.schema())); // doc, default, aliases
                        fields.add(copied);
                    }
                    record.setFields(fields);
                    yield record;
                }
                case ENUM -> Schema.createEnum(simpleName(schema), schema.getDoc(), namespace(schema),
                        schema.getEnumSymbols(), schema.getEnumDefault());
                case FIXED -> Schema.createFixed(simpleName(schema), schema.getDoc(), namespace(schema),
                        schema.getFixedSize());
                case ARRAY -> Schema.createArray(copyOf(schema.getElementType()));
                case MAP -> Schema.createMap(copyOf(schema.getValueType()));
                case UNION -> Schema.createUnion(schema.getTypes().stream().map(this::copyOf).toList());
                default -> schema;
            };
            if (copy != schema) {
                schema.getObjectProps().forEach(copy::addProp);
                if (schema.getLogicalType() != null) {
                    schema.getLogicalType().addToSchema(copy);
                }
                if (isNamed(schema)) {
                    // Aliases name earlier wire names; on the wire schema itself the old name is the name.
                    schema.getAliases().stream().filter(alias -> !alias.equals(wireName(schema)))
                            .forEach(copy::addAlias);
                }
            }
            copies.put(schema, copy);
            return copy;
        }

        private static boolean mentionsRenamed(Schema schema, Map<Schema, Boolean> seen) {
            if (seen.put(schema, Boolean.TRUE) != null) {
                return false;
            }
            return switch (schema.getType()) {
                case RECORD -> renamed(schema) || schema.getFields().stream()
                        .anyMatch(field -> mentionsRenamed(field.schema(), seen));
                case ENUM, FIXED -> renamed(schema);
                case ARRAY -> mentionsRenamed(schema.getElementType(), seen);
                case MAP -> mentionsRenamed(schema.getValueType(), seen);
                case UNION -> schema.getTypes().stream().anyMatch(type -> mentionsRenamed(type, seen));
                default -> false;
            };
        }

        private static boolean isNamed(Schema schema) {
            return switch (schema.getType()) {
                case RECORD, ENUM, FIXED -> true;
                default -> false;
            };
        }

        private static String simpleName(Schema named) {
            String wire = wireName(named);
            return wire.substring(wire.lastIndexOf('.') + 1);
        }

        private static String namespace(Schema named) {
            String wire = wireName(named);
            return wire.contains(".") ? wire.substring(0, wire.lastIndexOf('.')) : null;
        }
    }
}
