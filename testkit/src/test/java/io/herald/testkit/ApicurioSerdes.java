package io.herald.testkit;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * How earlier Herald releases configured Apicurio's serdes (through Apicurio's own v2 API): the reference that
 * Herald's own serdes must stay byte-compatible with, and the reader an earlier release deployed still is.
 */
final class ApicurioSerdes {

    private ApicurioSerdes() {
    }

    /** Confluent wire format: the 4-byte content id, no headers; Herald's wire schemas through its provider. */
    static Map<String, Object> config(String apicurioApiUrl) {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, apicurioApiUrl);
        config.put(SerdeConfig.ENABLE_HEADERS, "false");
        config.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, "true");
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, "true");
        config.put(AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER, WireSchemaProvider.class.getName());
        return config;
    }

    /** Apicurio's default provider, but registering Herald's wire schema, as the earlier releases' provider did. */
    public static final class WireSchemaProvider<T extends org.apache.avro.specific.SpecificRecord>
            extends io.apicurio.registry.serde.avro.DefaultAvroDatumProvider<T> {

        @Override
        public org.apache.avro.io.DatumWriter<T> createDatumWriter(T data, org.apache.avro.Schema schema) {
            // The record's own schema writes: union branches resolve by the names in the data's schema.
            return new org.apache.avro.specific.SpecificDatumWriter<>(data.getSchema());
        }

        @Override
        public org.apache.avro.Schema toSchema(T data) {
            return io.herald.schemas.serde.HeraldSerdes.wireSchemaOf(data.getSchema());
        }
    }
}
