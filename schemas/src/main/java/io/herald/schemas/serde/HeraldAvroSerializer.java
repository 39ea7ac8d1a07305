package io.herald.schemas.serde;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Herald's records in the Confluent wire format: a zero byte, the schema's registry id (4 bytes, big endian),
 * then the Avro binary. The schema (its {@link WireNames wire form}) is registered under the topic's subject,
 * {@code <topic>-value} (or {@code -key}), once per schema and topic; later records only encode.
 *
 * <p>Made by {@link HeraldSerdes}, or by Kafka from {@code value.serializer} with Confluent's settings ({@value
 * RegistryEndpoint#URL_CONFIG}, {@value RegistryEndpoint#BASIC_AUTH_USER_INFO_CONFIG}, {@value
 * RegistryEndpoint#BEARER_AUTH_TOKEN_CONFIG}).
 */
public final class HeraldAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static final byte MAGIC_BYTE = 0;
    static final int PREFIX_LENGTH = 5;

    private SchemaRegistryClient registry;
    private String subjectSuffix = "-value";
    /** By topic, then by schema identity: generated classes share one Schema instance each. */
    private final Map<String, Map<Schema, Encoding>> encodings = new ConcurrentHashMap<>();

    private record Encoding(byte[] prefix, SpecificDatumWriter<SpecificRecord> writer) {
    }

    static {
        HeraldSerdes.trustHeraldRecords(); // and the cached schema resolution, when Kafka made this serde
    }

    /** For Kafka, which configures it. */
    public HeraldAvroSerializer() {
    }

    public HeraldAvroSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        subjectSuffix = isKey ? "-key" : "-value";
        if (registry == null) {
            registry = new SchemaRegistryClient(RegistryEndpoint.fromConfig(configs));
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Encoding encoding = encodingOf(topic, data.getSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(encoding.prefix(), 0, PREFIX_LENGTH);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            encoding.writer().write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("could not encode a " + data.getSchema().getFullName() + " for "
                    + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private Encoding encodingOf(String topic, Schema schema) {
        if (registry == null) {
            throw new IllegalStateException("not configured: no schema registry");
        }
        Map<Schema, Encoding> topicEncodings = encodings.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
        Encoding known = topicEncodings.get(schema);
        if (known != null) {
            return known;
        }
        int id = registry.register(topic + subjectSuffix, RecordSchemas.wireSchemaOf(schema));
        byte[] prefix = {MAGIC_BYTE, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
        // The record's own schema writes: the wire schema differs in names only, which binary Avro omits, while
        // the writer resolves union branches by the names in the data's schema.
        Encoding encoding = new Encoding(prefix, new SpecificDatumWriter<>(schema));
        topicEncodings.put(schema, encoding);
        return encoding;
    }
}
