package io.herald.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.runtime.config.ConfigException;
import io.herald.runtime.config.Settings;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private final KafkaClients kafka = KafkaClients.from(Settings.of(Map.of(
            "herald.kafka.bootstrap-servers", "broker-1:9092,broker-2:9092")));

    @Test
    void streamsGetTheClusterTheirOwnSettingsAndExactlyOnce() {
        Properties props = kafka.streams("herald-router", Map.of("num.stream.threads", 3));

        assertThat(props).containsEntry("bootstrap.servers", "broker-1:9092,broker-2:9092")
                .containsEntry("application.id", "herald-router")
                .containsEntry("num.stream.threads", 3)
                .containsEntry("processing.guarantee", "exactly_once_v2");
    }

    @Test
    void aClientsOwnSettingCannotBreakAGuarantee() {
        assertThatThrownBy(() -> kafka.producer("p", Map.of(ProducerConfig.ACKS_CONFIG, "1"), new StringSerializer(),
                new StringSerializer())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("acks=1 would break Herald's guarantee acks=all");
        assertThatThrownBy(() -> kafka.consumer("c", Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                new StringDeserializer(), new StringDeserializer())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("isolation.level=read_committed");
        assertThatThrownBy(() -> kafka.streams("r", Map.of("processing.guarantee", "at_least_once")))
                .hasMessageContaining("processing.guarantee=exactly_once_v2");
        // restating a guarantee is fine
        kafka.streams("r", Map.of("processing.guarantee", "exactly_once_v2"));
    }

    @Test
    void producersAndConsumersGetTheClusterTheirOwnSettingsAndTheGuarantees() {
        assertThat(kafka.producerProperties("herald-test", Map.of(ProducerConfig.LINGER_MS_CONFIG, 7)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("bootstrap.servers", "broker-1:9092,broker-2:9092",
                        "client.id", "herald-test", "linger.ms", 7, "acks", "all", "enable.idempotence", true));
        assertThat(kafka.consumerProperties(null, Map.of(ConsumerConfig.GROUP_ID_CONFIG, "g")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("bootstrap.servers", "broker-1:9092,broker-2:9092",
                        "group.id", "g", "isolation.level", "read_committed", "enable.auto.commit", false));
        assertThat(kafka.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
    }

    @Test
    void makesRealClientsWithoutABrokerYet() {
        KafkaClients local = KafkaClients.of("localhost:1");
        try (KafkaProducer<String, String> producer = local.producer("herald-test", Map.of(),
                new StringSerializer(), new StringSerializer());
             KafkaConsumer<String, String> consumer = local.consumer(null, Map.of(), new StringDeserializer(),
                     new StringDeserializer())) {
            assertThat(producer.metrics()).isNotEmpty(); // clients connect lazily
            assertThat(consumer.metrics()).isNotEmpty();
        }
    }

    @Test
    void theOperatorsClientPropertiesReachEachClientThatKnowsThem() {
        KafkaClients secured = KafkaClients.from(new Settings(
                Map.of("herald.kafka.bootstrap-servers", "broker-1:9093",
                        "herald.kafka.client.sasl.mechanism", "SCRAM-SHA-512",
                        "herald.kafka.client.linger.ms", "20"),
                Map.of("HERALD_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
                        "HERALD_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN", // the system property wins
                        "HERALD_KAFKA_CLIENT_MAX_POLL_RECORDS", "50",
                        "HERALD_KAFKA_CLIENT_CONFIG_PROVIDERS", "dir"),
                Map.of("herald.kafka.client.ssl.truststore.location", "/etc/kafka/ca.p12",
                        "herald.kafka.client.config.providers.dir.class",
                        "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                        "herald.kafka.client.sasl.jaas.config", "${dir:/etc/herald/kafka:jaas}")));

        Map<String, Object> producer = secured.producerProperties("p", Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
        assertThat(producer).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/ca.p12")
                .containsEntry("sasl.jaas.config", "${dir:/etc/herald/kafka:jaas}") // Kafka resolves it
                .containsEntry("config.providers", "dir")
                .containsEntry("linger.ms", 5) // the client's own setting wins over the operator's
                .containsEntry("bootstrap.servers", "broker-1:9093")
                .doesNotContainKey("max.poll.records"); // a consumer property: not given to producers
        Map<String, Object> consumer = secured.consumerProperties("c", Map.of());
        assertThat(consumer).containsEntry("security.protocol", "SASL_SSL").containsEntry("max.poll.records", "50")
                .containsEntry("config.providers.dir.class",
                        "org.apache.kafka.common.config.provider.DirectoryConfigProvider")
                .doesNotContainKey("linger.ms");
        assertThat(secured.streams("r", Map.of())).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("linger.ms", "20").containsEntry("max.poll.records", "50");
    }

    @Test
    void aClientPropertyKafkaDoesNotKnowOrHeraldSetsStopsTheServiceNamingTheKeyNotTheValue() {
        assertThatThrownBy(() -> KafkaClients.from(Settings.of(Map.of("herald.kafka.bootstrap-servers", "b:9092",
                "herald.kafka.client.sasl.jaas.confg", "org.apache.kafka.common.security.scram.ScramLoginModule "
                        + "required username=\"herald\" password=\"hunter2\";"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("herald.kafka.client.sasl.jaas.confg (env HERALD_KAFKA_CLIENT_SASL_JAAS_CONFG)")
                .hasMessageContaining("is not a Kafka client property")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> KafkaClients.from(new Settings(Map.of("herald.kafka.bootstrap-servers", "b:9092"),
                Map.of("HERALD_KAFKA_CLIENT_ACKS", "1"), Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("herald.kafka.client.acks (env HERALD_KAFKA_CLIENT_ACKS) can't be set: Herald writes with "
                        + "acks=all");
        assertThatThrownBy(() -> KafkaClients.from(Settings.of(Map.of("herald.kafka.bootstrap-servers", "b:9092",
                "herald.kafka.client.bootstrap.servers", "other:9092"))))
                .hasMessageContaining("set herald.kafka.bootstrap-servers instead");
    }

    @Test
    void aSecretComesFromAMountedFileThroughKafkasDirectoryConfigProvider(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path secrets) throws Exception {
        // A Kubernetes Secret mounted as a directory: one file per key.
        java.nio.file.Files.writeString(secrets.resolve("sasl.jaas.config"),
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";");
        KafkaClients fromFile = KafkaClients.from(Settings.of(Map.of(
                "herald.kafka.bootstrap-servers", "localhost:1",
                "herald.kafka.client.security.protocol", "SASL_PLAINTEXT",
                "herald.kafka.client.sasl.mechanism", "PLAIN",
                "herald.kafka.client.config.providers", "dir",
                "herald.kafka.client.config.providers.dir.class",
                "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "herald.kafka.client.sasl.jaas.config", "${dir:" + secrets + ":sasl.jaas.config}")));
        // A SASL client reads its JAAS configuration when it is made: unresolved, the producer could not be built.
        try (KafkaProducer<String, String> producer = fromFile.producer("p", Map.of(), new StringSerializer(),
                new StringSerializer())) {
            assertThat(producer.metrics()).isNotEmpty();
        }
        java.nio.file.Files.delete(secrets.resolve("sasl.jaas.config"));
        assertThatThrownBy(() -> fromFile.producer("p", Map.of(), new StringSerializer(), new StringSerializer()))
                .isInstanceOf(org.apache.kafka.common.KafkaException.class);
    }

    @Test
    void refusedCredentialsAreExplainedByTheirKeysWhereverTheyAreInTheCauses() {
        var refused = new org.apache.kafka.common.errors.SaslAuthenticationException("Authentication failed");
        KafkaClients withCredentials = KafkaClients.from(Settings.of(Map.of("herald.kafka.bootstrap-servers", "b:9093",
                "herald.kafka.client.security.protocol", "SASL_SSL",
                "herald.kafka.client.sasl.jaas.config", "secret text",
                "herald.kafka.client.linger.ms", "5")));
        assertThat(withCredentials.refusal(new IllegalStateException("loading failed", refused))).hasValue(
                "Kafka refused Herald's credentials (herald.kafka.client.sasl.jaas.config, "
                        + "herald.kafka.client.security.protocol): Authentication failed");
        assertThat(KafkaClients.of("b:9092").refusal(refused).orElseThrow()).contains("none is set");
        assertThat(withCredentials.refusal(new IllegalStateException("something else"))).isEmpty();
        RuntimeException other = new IllegalStateException("something else");
        assertThat(withCredentials.explained(other)).isSameAs(other);
        assertThat(withCredentials.explained(new IllegalStateException(refused))).isInstanceOf(ConfigException.class);
    }
}
