package io.herald.schemas.serde;

import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format (a zero byte, the 4-byte schema id, the Avro binary) into Herald's generated
 * classes, with the writer's schema fetched from the registry by id, once per id. A record written by any producer
 * whose schema is compatible with Herald's (an older Herald, a non-Java publisher) decodes.
 *
 * <p>Registry trouble surfaces as {@link io.herald.schemas.registry.RegistryUnavailableException} (try again
 * later) or {@link io.herald.schemas.registry.SchemaRegistryException}; a record that is not in the wire format, or
 * whose bytes don't match its schema, as a plain {@link SerializationException}.
 */
public final class HeraldAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private SchemaRegistryClient registry;
    /** By writer schema id: a reader resolves its writer against the class's schema once, then reuses it. */
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    static {
        HeraldSerdes.trustHeraldRecords(); // and the cached schema resolution, when Kafka made this serde
    }

    /** For Kafka, which configures it. */
    public HeraldAvroDeserializer() {
    }

    public HeraldAvroDeserializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = new SchemaRegistryClient(RegistryEndpoint.fromConfig(configs));
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HeraldAvroSerializer.PREFIX_LENGTH || data[0] != HeraldAvroSerializer.MAGIC_BYTE) {
            throw new SerializationException("not in the Confluent wire format (a zero byte, a 4-byte schema id, "
                    + "Avro): " + (data.length == 0 ? "empty" : "begins with byte " + data[0]));
        }
        int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
        DatumReader<T> reader = readerOf(id);
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, HeraldAvroSerializer.PREFIX_LENGTH,
                    data.length - HeraldAvroSerializer.PREFIX_LENGTH, null));
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
            throw new SerializationException("the record does not decode with its schema " + id + " from " + topic
                    + ": " + e, e);
        }
    }

    private DatumReader<T> readerOf(int id) {
        if (registry == null) {
            throw new IllegalStateException("not configured: no schema registry");
        }
        DatumReader<T> known = readers.get(id);
        if (known != null) {
            return known;
        }
        DatumReader<T> reader;
        try {
            reader = RecordSchemas.readerFor(registry.schemaById(id));
        } catch (IllegalArgumentException e) {
            throw new SerializationException("schema " + id + ": " + e.getMessage(), e);
        }
        readers.put(id, reader);
        return reader;
    }
}
