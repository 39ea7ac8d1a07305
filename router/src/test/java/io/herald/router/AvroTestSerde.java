package io.herald.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Avro single-object encoding as a Kafka serde: lets TopologyTestDriver tests run without a registry. */
public final class AvroTestSerde {

    private AvroTestSerde() {
    }

    public static <T extends SpecificRecord> Serde<T> of(Schema schema) {
        BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
        return Serdes.serdeFrom(
                (topic, value) -> {
                    try {
                        return value == null ? null : encoder.encode(value).array();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                (topic, bytes) -> {
                    try {
                        return bytes == null ? null : decoder.decode(ByteBuffer.wrap(bytes));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** Serializes any generated record; reading needs the concrete type ({@link #of}). */
    public static Serde<SpecificRecord> anyRecord() {
        return Serdes.serdeFrom(
                (topic, value) -> {
                    try {
                        return value == null ? null
                                : new BinaryMessageEncoder<SpecificRecord>(SpecificData.get(), value.getSchema())
                                        .encode(value).array();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                (topic, bytes) -> {
                    throw new UnsupportedOperationException("read with AvroTestSerde.of(schema)");
                });
    }
}
