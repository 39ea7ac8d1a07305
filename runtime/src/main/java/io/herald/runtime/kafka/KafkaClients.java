package io.herald.runtime.kafka;

import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.ConfigException;
import io.herald.runtime.config.Settings;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place Herald's services and tools make Kafka clients. Each client gets the cluster's connection settings
 * (bootstrap servers, and the operator's {@code herald.kafka.client.*}: security and the rest), then its own, then
 * Herald's guarantees, which nothing overrides: producers write with {@code acks=all} and
 * idempotence, consumers read committed data only and commit nothing by themselves, Kafka Streams processes
 * exactly once. A client's own setting that contradicts a guarantee is a programming error and fails at once.
 */
public final class KafkaClients {

    private static final Map<String, Object> PRODUCER_GUARANTEES = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    private static final Map<String, Object> CONSUMER_GUARANTEES = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Kafka Streams' keys as text: only the router has kafka-streams (and RocksDB) on its classpath.
    private static final String APPLICATION_ID = "application.id";
    private static final Map<String, Object> STREAMS_GUARANTEES = Map.of("processing.guarantee", "exactly_once_v2");

    private final String bootstrapServers;
    /** The operator's settings of every client: security, timeouts, ... ({@code herald.kafka.client.*}). */
    private final KafkaClientSettings operator;

    private KafkaClients(String bootstrapServers, KafkaClientSettings operator) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.operator = operator;
    }

    /** Clients of the cluster at these bootstrap servers, with Kafka's defaults for everything else. */
    public static KafkaClients of(String bootstrapServers) {
        return new KafkaClients(bootstrapServers, KafkaClientSettings.none());
    }

    /**
     * Clients of the cluster the configuration names ({@code herald.kafka.bootstrap-servers}), with the operator's
     * client properties ({@code herald.kafka.client.*}).
     *
     * @throws io.herald.runtime.config.ConfigException naming a client property Kafka doesn't know or Herald sets
     */
    public static KafkaClients from(Settings settings) {
        return new KafkaClients(settings.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS),
                KafkaClientSettings.checked(settings.family(CommonSettings.KAFKA_CLIENT)));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * When Kafka refused this client's credentials somewhere in {@code failure}'s causes: what to tell the operator,
     * naming the keys that hold the credentials (never their values) and Kafka's own reason.
     */
    public Optional<String> refusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException refused) {
                return Optional.of("Kafka refused Herald's credentials (" + operator.credentialKeys() + "): "
                        + refused.getMessage());
            }
        }
        return Optional.empty();
    }

    /** {@code failure}, or a {@link ConfigException} saying what to fix when Kafka refused the credentials. */
    public RuntimeException explained(RuntimeException failure) {
        return refusal(failure).<RuntimeException>map(message -> new ConfigException(message)).orElse(failure);
    }

    /** A producer that writes with {@code acks=all} and idempotence. */
    public <K, V> KafkaProducer<K, V> producer(String clientId, Map<String, ?> own, Serializer<K> keys,
            Serializer<V> values) {
        return new KafkaProducer<>(producerProperties(clientId, own), keys, values);
    }

    /**
     * Makes producers for one transactional id, for {@link TransactionalProducer#start}: each call a new one (a
     * replacement initialises with the same id, which aborts what its predecessor left open).
     */
    public <K, V> Supplier<Producer<K, V>> transactional(String clientId, String transactionalId,
            Map<String, ?> own, Serializer<K> keys, Serializer<V> values) {
        Map<String, Object> props = new HashMap<>(own);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        Map<String, Object> properties = producerProperties(clientId, props);
        return () -> new KafkaProducer<>(properties, keys, values);
    }

    /**
     * A consumer that reads committed records only and commits offsets only when told to.
     *
     * @param clientId its name in logs and metrics; null lets Kafka number it
     */
    public <K, V> KafkaConsumer<K, V> consumer(String clientId, Map<String, ?> own, Deserializer<K> keys,
            Deserializer<V> values) {
        return new KafkaConsumer<>(consumerProperties(clientId, own), keys, values);
    }

    Map<String, Object> consumerProperties(String clientId, Map<String, ?> own) {
        return merged(operator.forConsumers(), clientId, own, CONSUMER_GUARANTEES,
                CommonClientConfigs.CLIENT_ID_CONFIG);
    }

    /** An admin client; Kafka names it (adminclient-N), as several run in one JVM. */
    public Admin admin(Map<String, ?> own) {
        Map<String, Object> props = new HashMap<>(operator.forAdmin());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(own);
        return Admin.create(props);
    }

    /** Kafka Streams properties, processing exactly once. */
    public Properties streams(String applicationId, Map<String, ?> own) {
        Map<String, Object> merged = merged(operator.forStreams(), applicationId, own, STREAMS_GUARANTEES,
                APPLICATION_ID);
        Properties props = new Properties();
        props.putAll(merged);
        return props;
    }

    Map<String, Object> producerProperties(String clientId, Map<String, ?> own) {
        return merged(operator.forProducers(), clientId, own, PRODUCER_GUARANTEES,
                CommonClientConfigs.CLIENT_ID_CONFIG);
    }

    private Map<String, Object> merged(Map<String, Object> operatorSettings, String id, Map<String, ?> own,
            Map<String, Object> guarantees, String idKey) {
        Map<String, Object> props = new HashMap<>(operatorSettings);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(own);
        guarantees.forEach((key, value) -> {
            Object asked = own.get(key);
            if (asked != null && !String.valueOf(asked).equals(String.valueOf(value))) {
                throw new IllegalArgumentException(key + "=" + asked + " would break Herald's guarantee " + key + "="
                        + value);
            }
            props.put(key, value);
        });
        if (id != null) { // null: Kafka names the client (consumer-N), for tools that run many at once
            props.put(idKey, id);
        }
        return props;
    }
}
