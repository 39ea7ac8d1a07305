package io.herald.schemas.serde;

import io.herald.schemas.delivery.DeadLetter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.Webhook;
import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro serdes for Herald's records in the Confluent wire format (magic byte 0, 4-byte schema id), with schemas in a
 * registry that speaks the Confluent Schema Registry API ({@link HeraldAvroSerializer}, {@link
 * HeraldAvroDeserializer}). Each serde has its own {@link SchemaRegistryClient}, so its own cache of ids.
 */
public final class HeraldSerdes {

    private static final String HERALD_AVRO_PACKAGE_PREFIX = "io.herald.schemas.";

    /** Herald's top-level records: each one's data model decodes it, nested records included. */
    static final List<Class<? extends SpecificRecord>> RECORDS = List.of(IamEvent.class, Delivery.class,
            DeliveryAttempt.class, DeadLetter.class, Webhook.class, AuditEntry.class,
            io.herald.schemas.auth.ApiKey.class, io.herald.schemas.replay.Replay.class,
            io.herald.schemas.health.WebhookDisableRequest.class);

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
     * With Avro's fast reader, a datum reader resolves the writer schema against the reader schema when it is made
     * (for {@code IamEvent}, over a 56-member union): about 0.2 ms of CPU, the largest cost the benchmark found
     * when a reader was made per record. Avro's classic reader caches that resolution per schema pair, so readers
     * other code makes (Herald's deserializer keeps one per schema id) decode in microseconds.
     */
    private static void decodeWithCachedResolution() {
        RECORDS.forEach(type -> SpecificData.getForClass(type).setFastReaderEnabled(false));
    }

    /** Whether records of this type decode with the cached resolution (for tests). */
    static boolean decodesWithCachedResolution(Class<? extends SpecificRecord> type) {
        return !SpecificData.getForClass(type).isFastReaderEnabled();
    }

    /**
     * Confluent-style serde settings for a registry, for Kafka clients that make Herald's serdes from their
     * configuration ({@code value.deserializer=io.herald.schemas.serde.HeraldAvroDeserializer}).
     */
    public static Map<String, Object> config(RegistryEndpoint registry) {
        Map<String, Object> config = new HashMap<>();
        config.put(RegistryEndpoint.URL_CONFIG, registry.url());
        if (registry.username() != null) {
            config.put(RegistryEndpoint.BASIC_AUTH_USER_INFO_CONFIG, registry.username() + ":" + registry.password());
        }
        if (registry.bearerToken() != null) {
            config.put(RegistryEndpoint.BEARER_AUTH_TOKEN_CONFIG, registry.bearerToken());
        }
        return config;
    }

    /**
     * The schema Herald registers and writes for records of {@code schema}: the same but for the names of records
     * renamed in the code, which keep their earlier names on the wire (see {@code WireNames}).
     */
    public static org.apache.avro.Schema wireSchemaOf(org.apache.avro.Schema schema) {
        return RecordSchemas.wireSchemaOf(schema);
    }

    /** A value serializer for the registry at {@code registryUrl}'s Confluent API, which asks no credentials. */
    public static <T extends SpecificRecord> Serializer<T> valueSerializer(String registryUrl) {
        return valueSerializer(RegistryEndpoint.of(registryUrl));
    }

    public static <T extends SpecificRecord> Serializer<T> valueSerializer(RegistryEndpoint registry) {
        return new HeraldAvroSerializer<>(new SchemaRegistryClient(registry));
    }

    public static <T extends SpecificRecord> Deserializer<T> valueDeserializer(String registryUrl) {
        return valueDeserializer(RegistryEndpoint.of(registryUrl));
    }

    public static <T extends SpecificRecord> Deserializer<T> valueDeserializer(RegistryEndpoint registry) {
        return new HeraldAvroDeserializer<>(new SchemaRegistryClient(registry));
    }

    public static <T extends SpecificRecord> Serde<T> valueSerde(String registryUrl) {
        return valueSerde(RegistryEndpoint.of(registryUrl));
    }

    public static <T extends SpecificRecord> Serde<T> valueSerde(RegistryEndpoint registry) {
        SchemaRegistryClient client = new SchemaRegistryClient(registry);
        return Serdes.serdeFrom(new HeraldAvroSerializer<>(client), new HeraldAvroDeserializer<>(client));
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
