package io.herald.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Apicurio's serializer, asked once per schema: it registers the schema (or finds it) and writes the Confluent
 * wire format, a zero byte, the 4-byte schema id, then the Avro binary. Apicurio looks the schema up by its full
 * text on every record (0.2-0.5 ms for {@code IamEvent}); this keeps the 5-byte prefix it wrote for each schema
 * and writes later records of that schema with Avro's own encoder behind the same prefix, byte for byte what
 * Apicurio would write.
 */
final class SchemaIdCachingSerializer<T extends SpecificRecord> implements Serializer<T> {

    private static final int PREFIX_LENGTH = 5; // magic byte + 4-byte id (Legacy4ByteIdHandler, no headers)

    private final Serializer<T> registry;
    /**
     * By topic (Apicurio registers a schema under each topic's artifact, as it would), then by schema identity:
     * generated classes share one Schema instance each.
     */
    private final Map<String, Map<Schema, Encoding>> encodings = new ConcurrentHashMap<>();

    private record Encoding(byte[] prefix, SpecificDatumWriter<SpecificRecord> writer) {
    }

    SchemaIdCachingSerializer(Serializer<T> registry) {
        this.registry = registry;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Map<Schema, Encoding> topicEncodings = encodings.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
        Encoding encoding = topicEncodings.get(data.getSchema());
        if (encoding == null) {
            byte[] first = registry.serialize(topic, data);
            if (first != null && first.length > PREFIX_LENGTH && first[0] == 0) {
                topicEncodings.put(data.getSchema(), new Encoding(Arrays.copyOf(first, PREFIX_LENGTH),
                        new SpecificDatumWriter<>(data.getSchema())));
            }
            return first;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(encoding.prefix(), 0, PREFIX_LENGTH);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            encoding.writer().write(data, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode " + data.getSchema().getFullName(), e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        registry.close();
    }
}
