package io.herald.runtime.kafka;

import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.ConfigException;
import io.herald.runtime.config.SettingPrefix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The operator's Kafka client properties ({@code herald.kafka.client.*}): checked once at startup against the
 * properties Kafka's clients define, then handed to each client as far as that kind of client knows them. Errors
 * name the key and both its spellings, never the value: many of these are credentials.
 */
final class KafkaClientSettings {

    /** Config providers ({@code config.providers}, {@code config.providers.dir.class}, ...) every client resolves. */
    private static final String CONFIG_PROVIDERS = "config.providers";

    /** What Herald sets on every client itself, and why an operator's value is refused. */
    private static final Map<String, String> HERALD_OWNED = Map.ofEntries(
            Map.entry("bootstrap.servers", "set herald.kafka.bootstrap-servers instead"),
            Map.entry("client.id", "Herald names each client"),
            Map.entry("group.id", "Herald names each consumer group"),
            Map.entry("group.instance.id", "Herald's consumers join their groups as dynamic members"),
            Map.entry("transactional.id", "Herald names each transactional producer"),
            Map.entry("key.serializer", "Herald picks each client's serializers"),
            Map.entry("value.serializer", "Herald picks each client's serializers"),
            Map.entry("key.deserializer", "Herald picks each client's deserializers"),
            Map.entry("value.deserializer", "Herald picks each client's deserializers"),
            Map.entry("acks", "Herald writes with acks=all"),
            Map.entry("enable.idempotence", "Herald's producers are idempotent"),
            Map.entry("isolation.level", "Herald reads committed records only"),
            Map.entry("enable.auto.commit", "Herald commits offsets when work is done"),
            Map.entry("processing.guarantee", "the router processes exactly once"));

    private static final Set<String> PRODUCER = ProducerConfig.configNames();
    private static final Set<String> CONSUMER = ConsumerConfig.configNames();
    private static final Set<String> ADMIN = AdminClientConfig.configNames();

    private final Map<String, String> values;

    private KafkaClientSettings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    static KafkaClientSettings none() {
        return new KafkaClientSettings(Map.of());
    }

    /**
     * @throws ConfigException naming the first key that isn't a Kafka client property or is one Herald sets
     */
    static KafkaClientSettings checked(Map<String, String> values) {
        SettingPrefix family = CommonSettings.KAFKA_CLIENT;
        for (String name : new TreeMap<>(values).keySet()) {
            String spelled = family.prefix() + name + " (env " + family.environmentVariable(name) + ")";
            String owned = HERALD_OWNED.get(name);
            if (owned != null) {
                throw new ConfigException(spelled + " can't be set: " + owned);
            }
            if (!isProvider(name) && !PRODUCER.contains(name) && !CONSUMER.contains(name) && !ADMIN.contains(name)) {
                throw new ConfigException(spelled + " is not a Kafka client property (see https://kafka.apache.org"
                        + "/documentation/#producerconfigs, #consumerconfigs, #adminclientconfigs)");
            }
        }
        return new KafkaClientSettings(values);
    }

    /** The keys set that hold credentials, spelled as the operator sets them; those to set when none is. */
    String credentialKeys() {
        SettingPrefix family = CommonSettings.KAFKA_CLIENT;
        List<String> set = values.keySet().stream().filter(KafkaClientSettings::isCredential).sorted()
                .map(name -> family.prefix() + name).toList();
        return set.isEmpty() ? "none is set: see " + family.prefix() + "security.protocol, "
                + family.prefix() + "sasl.jaas.config and " + family.prefix() + "ssl.keystore.location"
                : String.join(", ", set);
    }

    private static boolean isCredential(String name) {
        return name.equals("sasl.jaas.config") || name.startsWith("ssl.keystore.") || name.equals("ssl.key.password")
                || name.startsWith("sasl.oauthbearer.") || name.equals("sasl.mechanism")
                || name.equals("security.protocol");
    }

    Map<String, Object> forProducers() {
        return known(PRODUCER);
    }

    Map<String, Object> forConsumers() {
        return known(CONSUMER);
    }

    Map<String, Object> forAdmin() {
        return known(ADMIN);
    }

    /** Kafka Streams hands each property on to the clients it makes. */
    Map<String, Object> forStreams() {
        return Map.copyOf(values);
    }

    private Map<String, Object> known(Set<String> names) {
        Map<String, Object> known = new HashMap<>();
        values.forEach((name, value) -> {
            if (isProvider(name) || names.contains(name)) {
                known.put(name, value);
            }
        });
        return known;
    }

    private static boolean isProvider(String name) {
        return name.equals(CONFIG_PROVIDERS) || name.startsWith(CONFIG_PROVIDERS + ".");
    }
}
