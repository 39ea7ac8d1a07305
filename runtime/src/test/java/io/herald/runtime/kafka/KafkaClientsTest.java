package io.herald.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
