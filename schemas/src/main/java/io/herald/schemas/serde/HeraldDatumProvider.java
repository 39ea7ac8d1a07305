package io.herald.schemas.serde;

import io.apicurio.registry.serde.avro.AvroDatumProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * How Herald's serdes map schemas to its generated classes. Apicurio's own provider finds the class to decode into
 * by the writer's full name, so a record written under a name the code has since changed could not be read; this
 * one also knows each record's aliases and its {@link WireNames wire name}, and registers the wire schema.
 */
public final class HeraldDatumProvider<T extends SpecificRecord> implements AvroDatumProvider<T> {

    /** Reader schema (a generated class's) by every full name it has been written under. */
    private static final Map<String, Schema> READER_SCHEMAS = readerSchemas(HeraldSerdes.RECORDS);
    private static final Map<Schema, Schema> WIRE_SCHEMAS = new ConcurrentHashMap<>();

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

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        // The record's own schema: the registered wire schema differs in names only, which binary Avro omits,
        // while the writer resolves union branches by the names in the data's schema.
        return new SpecificDatumWriter<>(data.getSchema());
    }

    @Override
    public DatumReader<T> createDatumReader(Schema writer) {
        Schema reader = READER_SCHEMAS.get(writer.getFullName());
        if (reader == null) {
            throw new IllegalArgumentException("no Herald record is or was named " + writer.getFullName());
        }
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }

    @Override
    public Schema toSchema(T data) {
        return wireSchemaOf(data.getSchema());
    }
}
