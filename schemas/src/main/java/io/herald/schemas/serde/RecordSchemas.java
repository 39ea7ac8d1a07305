package io.herald.schemas.serde;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Which schema Herald registers for a record, and which generated class decodes a record written under a given
 * schema: found by the writer's full name, its earlier names (aliases) and its {@link WireNames wire name} included,
 * so that a record written under a name the code has since changed is still read.
 */
final class RecordSchemas {

    /** Reader schema (a generated class's) by every full name it has been written under. */
    private static final Map<String, Schema> READER_SCHEMAS = readerSchemas(HeraldSerdes.RECORDS);
    private static final Map<Schema, Schema> WIRE_SCHEMAS = new ConcurrentHashMap<>();

    private RecordSchemas() {
    }

    static Map<String, Schema> readerSchemas(List<Class<? extends SpecificRecord>> records) {
        Map<String, Schema> byName = new HashMap<>();
        for (Class<? extends SpecificRecord> type : records) {
            Schema schema = SpecificData.get().getSchema(type);
            byName.put(schema.getFullName(), schema);
            byName.put(WireNames.wireName(schema), schema);
            schema.getAliases().forEach(alias -> byName.put(alias, schema));
        }
        return Map.copyOf(byName);
    }

    /** The schema registered for, and written with, records of this schema. */
    static Schema wireSchemaOf(Schema schema) {
        return WIRE_SCHEMAS.computeIfAbsent(schema, WireNames::wireSchemaOf);
    }

    /**
     * A reader of records written with {@code writer} into Herald's generated classes.
     *
     * @throws IllegalArgumentException when no Herald record is or was named as the writer's schema
     */
    static <T extends SpecificRecord> SpecificDatumReader<T> readerFor(Schema writer) {
        Schema reader = READER_SCHEMAS.get(writer.getFullName());
        if (reader == null) {
            throw new IllegalArgumentException("no Herald record is or was named " + writer.getFullName());
        }
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }
}
