package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.schemas.IamEvents;
import io.herald.schemas.TopicSpec;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.data.UserCreated;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.schemas.registry.RegistryUnavailableException;
import io.herald.schemas.registry.SchemaRegistryException;
import io.herald.schemas.serde.HeraldAvroDeserializer;
import io.herald.schemas.serde.HeraldSerdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Herald's serdes against a real registry's Confluent API (Apicurio's {@code /apis/ccompat/v7}, which holds other
 * teams' schemas): the ids written are the Confluent API's, not Apicurio's global ids; credentials are sent with
 * every request, as a recording proxy in front of the registry shows; a registry that is away fails in a way that
 * says "try again", and works again when it is back.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class ConfluentRegistryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            "herald:registry-s3cret".getBytes(StandardCharsets.UTF_8));

    @Test
    void theIdWrittenIsTheConfluentApisIdWhichDiffersFromApicuriosGlobalId(HeraldInfrastructure infra)
            throws Exception {
        String topic = "testkit-ids-" + System.nanoTime();
        IamEvent event = IamEvents.of("acme", UserCreated.newBuilder().setUserId("u-ids").build());

        byte[] written;
        try (var serializer = HeraldSerdes.<IamEvent>valueSerializer(infra.registryUrl())) {
            written = serializer.serialize(topic, event);
        }

        int id = ByteBuffer.wrap(written, 1, 4).getInt();
        JsonNode latest = get(infra.registryUrl() + "/subjects/" + topic + "-value/versions/latest");
        assertThat(latest.get("id").asInt()).as("the id the Confluent API gives the subject").isEqualTo(id);
        JsonNode meta = get(infra.registry().apicurioApiUrl() + "/groups/default/artifacts/" + topic + "-value/meta");
        assertThat(meta.get("contentId").asInt()).isEqualTo(id);
        assertThat(meta.get("globalId").asInt()).as("Apicurio's global id, which Confluent consumers can't use")
                .isNotEqualTo(id);
    }

    @Test
    void credentialsGoWithEveryRequestAndTheRegistrysAnswersAreKept(HeraldInfrastructure infra) throws Exception {
        String topic = "testkit-creds-" + System.nanoTime();
        try (RegistryProxy proxy = RegistryProxy.start(infra.registryUrl(), BASIC)) {
            RegistryEndpoint registry = RegistryEndpoint.of(proxy.url()).withBasicAuth("herald", "registry-s3cret");
            List<byte[]> written = new ArrayList<>();
            try (var serializer = HeraldSerdes.<IamEvent>valueSerializer(registry)) {
                for (int i = 0; i < 5; i++) {
                    written.add(serializer.serialize(topic, login("u-" + i)));
                }
            }
            try (var deserializer = HeraldSerdes.<IamEvent>valueDeserializer(registry)) {
                for (int i = 0; i < 5; i++) {
                    assertThat(deserializer.deserialize(topic, written.get(i)).getData())
                            .isEqualTo(login("u-" + i).getData());
                }
            }

            assertThat(proxy.seen()).as("one registration, one lookup by id: the rest is cached")
                    .extracting(RegistryProxy.Seen::method, RegistryProxy.Seen::path)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("POST", "/subjects/" + topic + "-value/versions"),
                            org.assertj.core.groups.Tuple.tuple("GET", "/schemas/ids/"
                                    + ByteBuffer.wrap(written.get(0), 1, 4).getInt()));
            assertThat(proxy.seen()).allSatisfy(seen -> {
                assertThat(seen.authorization()).isEqualTo(BASIC);
                assertThat(seen.status()).isEqualTo(200);
            });
        }
    }

    @Test
    void aBearerTokenIsSentAsSuch(HeraldInfrastructure infra) {
        try (RegistryProxy proxy = RegistryProxy.start(infra.registryUrl(), "Bearer sr-token-1");
                var serializer = HeraldSerdes.<IamEvent>valueSerializer(
                        RegistryEndpoint.of(proxy.url()).withBearerToken("sr-token-1"))) {
            assertThat(serializer.serialize("testkit-bearer", login("u-b"))[0]).isZero();
            assertThat(proxy.seen()).singleElement().satisfies(seen -> {
                assertThat(seen.authorization()).isEqualTo("Bearer sr-token-1");
                assertThat(seen.status()).isEqualTo(200);
            });
        }
    }

    @Test
    void wrongOrMissingCredentialsAreRefusedByNameNeverBySecret(HeraldInfrastructure infra) {
        try (RegistryProxy proxy = RegistryProxy.start(infra.registryUrl(), BASIC);
                var wrong = HeraldSerdes.<IamEvent>valueSerializer(
                        RegistryEndpoint.of(proxy.url()).withBasicAuth("herald", "not-the-password"));
                var none = HeraldSerdes.<IamEvent>valueSerializer(proxy.url())) {
            assertThatThrownBy(() -> wrong.serialize("testkit-refused", login("u-r")))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("refused basic auth as herald (HTTP 401")
                    .hasMessageNotContaining("not-the-password");
            assertThatThrownBy(() -> none.serialize("testkit-refused", login("u-r")))
                    .hasMessageContaining("refused a request without credentials (HTTP 401");
        }
    }

    @Test
    void aRegistryThatIsAwayFailsAsRetryableAndWorksWhenItIsBack(HeraldInfrastructure infra) {
        String topic = "testkit-outage-" + System.nanoTime();
        byte[] written;
        try (var serializer = HeraldSerdes.<IamEvent>valueSerializer(infra.registryUrl())) {
            written = serializer.serialize(topic, login("u-o"));
        }
        try (RegistryProxy proxy = RegistryProxy.start(infra.registryUrl(), null);
                var deserializer = HeraldSerdes.<IamEvent>valueDeserializer(proxy.url())) {
            proxy.failing(true);
            assertThatThrownBy(() -> deserializer.deserialize(topic, written))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("answered HTTP 503: registry unavailable (test), 4 times")
                    .satisfies(e -> assertThat(SchemaRegistryException.retryLater(e)).isTrue());

            proxy.failing(false);
            assertThat(deserializer.deserialize(topic, written).getData()).isEqualTo(login("u-o").getData());
        }
    }

    @Test
    void aConsumerConfiguredTheConfluentWayDecodesHeraldsRecords(HeraldInfrastructure infra) throws Exception {
        String topic = "testkit-confluent-config";
        infra.kafka().createTopics(List.of(new TopicSpec(topic, 1, Map.of())));
        try (RegistryProxy proxy = RegistryProxy.start(infra.registryUrl(), BASIC)) {
            RegistryEndpoint registry = RegistryEndpoint.of(proxy.url()).withBasicAuth("herald", "registry-s3cret");
            IamEvent event = login("u-c");
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                    new StringSerializer(), HeraldSerdes.<IamEvent>valueSerializer(registry))) {
                producer.send(new ProducerRecord<>(topic, IamEvents.key(event), event)).get();
            }

            Map<String, Object> config = new java.util.HashMap<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, HeraldAvroDeserializer.class.getName(),
                    "schema.registry.url", proxy.url(),
                    "basic.auth.credentials.source", "USER_INFO",
                    "basic.auth.user.info", "herald:registry-s3cret"));
            try (KafkaConsumer<String, IamEvent> consumer = new KafkaConsumer<>(config)) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                consumer.seekToBeginning(consumer.assignment());
                IamEvent read = null;
                long deadline = System.currentTimeMillis() + 15_000;
                while (read == null && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, IamEvent> record : consumer.poll(Duration.ofMillis(200))) {
                        read = record.value();
                    }
                }
                assertThat(read).isEqualTo(event);
            }
        }
    }

    private static IamEvent login(String user) {
        return IamEvents.of("acme", AuthLoginSucceeded.newBuilder().setUserId(user).setMethod("password").build());
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
