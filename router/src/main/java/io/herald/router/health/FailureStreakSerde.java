package io.herald.router.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Stores {@link FailureStreak}s as Avro binary behind a format byte. The health store's changelog outlives
 * deployments, so its format is versioned; being internal to the router it needs no registry.
 */
final class FailureStreakSerde {

    private static final byte FORMAT_V1 = 1;
    static final Schema SCHEMA_V1 = SchemaBuilder.record("FailureStreak").namespace("io.herald.router.health")
            .fields()
            .requiredLong("webhookVersion")
            .requiredInt("failures")
            .requiredLong("failingSinceMs")
            .optionalInt("lastHttpStatus")
            .optionalString("lastError")
            .endRecord();

    private FailureStreakSerde() {
    }

    static Serde<FailureStreak> create() {
        return Serdes.serdeFrom(serializer(), deserializer());
    }

    private static Serializer<FailureStreak> serializer() {
        GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(SCHEMA_V1);
        return (topic, streak) -> {
            if (streak == null) {
                return null;
            }
            GenericRecord record = new GenericData.Record(SCHEMA_V1);
            record.put("webhookVersion", streak.webhookVersion());
            record.put("failures", streak.failures());
            record.put("failingSinceMs", streak.failingSince().toEpochMilli());
            record.put("lastHttpStatus", streak.lastHttpStatus());
            record.put("lastError", streak.lastError());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(FORMAT_V1);
            try {
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                writer.write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory cannot fail", e);
            }
            return out.toByteArray();
        };
    }

    private static Deserializer<FailureStreak> deserializer() {
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(SCHEMA_V1);
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0 || bytes[0] != FORMAT_V1) {
                throw new IllegalArgumentException("unknown failure streak format "
                        + (bytes.length == 0 ? "(empty)" : bytes[0]));
            }
            try {
                GenericRecord record = reader.read(null,
                        DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null));
                Object error = record.get("lastError");
                return new FailureStreak((Long) record.get("webhookVersion"), (Integer) record.get("failures"),
                        Instant.ofEpochMilli((Long) record.get("failingSinceMs")),
                        (Integer) record.get("lastHttpStatus"), error == null ? null : error.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("corrupt failure streak", e);
            }
        };
    }
}
