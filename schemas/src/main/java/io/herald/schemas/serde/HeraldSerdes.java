package io.herald.schemas.serde;

import io.herald.schemas.delivery.DeadLetter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.Webhook;
import java.util.List;
import org.apache.avro.specific.SpecificData;
import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro serdes for Herald's records in the Confluent wire format (magic byte 0, 4-byte schema id), with schemas in a
 * Confluent-compatible registry. Built on Apicurio's serde, configured so that the id written is the content id:
 * with the default global id, Confluent-style consumers would look up the wrong schema.
 */
public final class HeraldSerdes {

    private static final String HERALD_AVRO_PACKAGE_PREFIX = "io.herald.schemas.";

    /** Herald's top-level records: each one's data model decodes it, nested records included. */
    static final List<Class<? extends SpecificRecord>> RECORDS = List.of(IamEvent.class, Delivery.class,
            DeliveryAttempt.class, DeadLetter.class, Webhook.class, AuditEntry.class);

    static {
        trustHeraldRecords();
        decodeWithCachedResolution();
    }

    private HeraldSerdes() {
    }

    /**
     * Lets Avro instantiate Herald's generated classes when decoding, in addition to what
     * {@code org.apache.avro.SERIALIZABLE_PACKAGES} allows. Safe to call more than once.
     */
    public static synchronized void trustHeraldRecords() {
        ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current instanceof HeraldTrust) {
            return;
        }
        ClassSecurityValidator.setGlobal(new HeraldTrust(current));
    }

    /**
     * Apicurio creates a datum reader per record; with Avro's fast reader each new reader resolves the writer
     * schema against the reader schema again (for {@code IamEvent}, over a 56-member union): about 0.2 ms of CPU a
     * record, the largest cost the benchmark found. Avro's classic reader caches that resolution per schema pair,
     * so a record decodes in microseconds.
     */
    private static void decodeWithCachedResolution() {
        RECORDS.forEach(type -> SpecificData.getForClass(type).setFastReaderEnabled(false));
    }

    /** Whether records of this type decode with the cached resolution (for tests). */
    static boolean decodesWithCachedResolution(Class<? extends SpecificRecord> type) {
        return !SpecificData.getForClass(type).isFastReaderEnabled();
    }

    /**
     * The serde settings for a registry. {@code registryUrl} is the registry's Apicurio v2 API, e.g.
     * {@code http://localhost:8081/apis/registry/v2}.
     */
    public static Map<String, Object> config(String registryUrl) {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        config.put(SerdeConfig.ENABLE_HEADERS, "false");
        // The Confluent 4-byte id, named directly: "as-confluent" does the same but warns on every serde.
        config.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, "true");
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, "true");
        config.put(AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER, HeraldDatumProvider.class.getName());
        return config;
    }

    /**
     * The schema Herald registers and writes for records of {@code schema}: the same but for the names of records
     * renamed in the code, which keep their earlier names on the wire (see {@code WireNames}).
     */
    public static org.apache.avro.Schema wireSchemaOf(org.apache.avro.Schema schema) {
        return HeraldDatumProvider.wireSchemaOf(schema);
    }

    public static <T extends SpecificRecord> Serializer<T> valueSerializer(String registryUrl) {
        AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        serializer.configure(config(registryUrl), false);
        return new SchemaIdCachingSerializer<>(serializer);
    }

    public static <T extends SpecificRecord> Deserializer<T> valueDeserializer(String registryUrl) {
        AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(config(registryUrl), false);
        return deserializer;
    }

    public static <T extends SpecificRecord> Serde<T> valueSerde(String registryUrl) {
        return Serdes.serdeFrom(valueSerializer(registryUrl), valueDeserializer(registryUrl));
    }

    private record HeraldTrust(ClassSecurityValidator.ClassSecurityPredicate delegate)
            implements ClassSecurityValidator.ClassSecurityPredicate {

        @Override
        public boolean isTrusted(Class<?> type) {
            return type.getName().startsWith(HERALD_AVRO_PACKAGE_PREFIX) || delegate.isTrusted(type);
        }

        @Override
        public void forbiddenClass(String className) {
            delegate.forbiddenClass(className);
        }
    }
}
