package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.IamEvents;
import io.herald.runtime.kafka.TopicInstaller;
import io.herald.schemas.Topics;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.runtime.registry.RegistryCompatibility;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(HeraldInfrastructureExtension.class)
class HeraldInfrastructureIT {

    @Test
    void createsEveryHeraldTopicWithItsPartitionsAndCompaction(HeraldInfrastructure infra) throws Exception {
        try (var admin = infra.kafka().admin()) {
            Set<String> names = admin.listTopics().names().get();
            assertThat(names).containsAll(Topics.all().stream().map(t -> t.name()).toList());
            var subscriptions = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.SUBSCRIPTIONS))).all().get();
            assertThat(subscriptions.values().iterator().next().get("cleanup.policy").value()).isEqualTo("compact");
            var auth = admin.describeTopics(List.of(Topics.AUTH_EVENTS)).allTopicNames().get().get(Topics.AUTH_EVENTS);
            assertThat(auth.partitions()).hasSize(Topics.DEFAULT_PARTITIONS);
        }
    }

    @Test
    void installingTheTopicsAgainKeepsThemAndSaysWhatIsThere(HeraldInfrastructure infra) {
        try (var admin = infra.kafka().admin()) {
            List<String> report = new TopicInstaller(admin).install(Topics.all(), (short) 1);

            assertThat(report).hasSize(Topics.all().size()).allMatch(line -> line.contains(": exists ("));
            assertThat(report).contains("herald.subscriptions: exists (1 partitions, 1 replicas, compacted)",
                    "iam.auth: exists (6 partitions, 1 replicas)");
        }
    }

    @Test
    void recordsAreEncodedByteForByteAsTheApicurioSerdeOfEarlierReleasesEncodedThem(HeraldInfrastructure infra) {
        String topic = Topics.AUTH_EVENTS;
        try (var herald = HeraldSerdes.<IamEvent>valueSerializer(infra.registryUrl());
                var apicurio = new io.apicurio.registry.serde.avro.AvroKafkaSerializer<IamEvent>();
                var deserializer = HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl())) {
            apicurio.configure(ApicurioSerdes.config(infra.registry().apicurioApiUrl()), false);
            for (int i = 0; i < 3; i++) { // the first registers, the next two use the cached id
                IamEvent event = IamEvents.of("acme", AuthLoginSucceeded.newBuilder().setUserId("user-" + i)
                        .setMethod("password").setUserAgent(i == 2 ? null : "agent " + i).build());
                byte[] ours = herald.serialize(topic, event);
                assertThat(ours).as("record %d", i).isEqualTo(apicurio.serialize(topic, event));
                assertThat(deserializer.deserialize(topic, ours)).isEqualTo(event);
            }
            IamEvent other = IamEvents.of("acme", io.herald.schemas.data.UserCreated.newBuilder().setUserId("u")
                    .build());
            assertThat(herald.serialize(Topics.USER_EVENTS, other))
                    .isEqualTo(apicurio.serialize(Topics.USER_EVENTS, other)); // another topic: registered there too
        }
    }

    @Test
    void writesConfluentWireFormatWhoseIdResolvesThroughTheConfluentApi(HeraldInfrastructure infra) throws Exception {
        // An unrelated schema first, so that global ids and content ids differ (the trap in STACK.md).
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unrelated = http.send(HttpRequest.newBuilder(
                        URI.create(infra.registry().confluentApiUrl() + "/subjects/unrelated-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Unrelated\\\",\\\"fields\\\":"
                                + "[{\\\"name\\\":\\\"x\\\",\\\"type\\\":\\\"int\\\"}]}\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unrelated.statusCode()).isEqualTo(200);

        String topic = "testkit-wire-format";
        infra.kafka().createTopics(List.of(new io.herald.schemas.TopicSpec(topic, 1, Map.of())));
        IamEvent event = IamEvents.of("acme", AuthLoginSucceeded.newBuilder()
                .setUserId("user-1").setMethod("password").setEmail("ada@example.com").build());
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                new StringSerializer(), HeraldSerdes.<IamEvent>valueSerializer(infra.registryUrl()))) {
            producer.send(new ProducerRecord<>(topic, IamEvents.key(event), event)).get();
        }

        byte[] raw = readOne(infra, topic);
        assertThat(raw[0]).as("Confluent magic byte").isEqualTo((byte) 0);
        int schemaId = ByteBuffer.wrap(raw, 1, 4).getInt();
        HttpResponse<String> schema = http.send(HttpRequest.newBuilder(
                URI.create(infra.registry().confluentApiUrl() + "/schemas/ids/" + schemaId)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(schema.statusCode()).isEqualTo(200);
        assertThat(schema.body()).contains("IamEvent").doesNotContain("Unrelated");

        try (var deserializer = HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl())) {
            IamEvent decoded = deserializer.deserialize(topic, raw);
            assertThat(decoded).isEqualTo(event);
            assertThat(decoded.getData()).isInstanceOf(AuthLoginSucceeded.class);
        }
    }

    @Test
    void theRegistryRefusesASchemaThatOldRecordsCannotBeReadWith(HeraldInfrastructure infra) throws Exception {
        assertThat(RegistryCompatibility.currentLevel(infra.registryEndpoint())).isEqualTo("BACKWARD");
        RegistryCompatibility.requireBackward(infra.registryEndpoint()); // again: still fine

        String v1 = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
        String withDefault = v1.replace("}]}", "},{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
        String withoutDefault = v1.replace("}]}", "},{\"name\":\"c\",\"type\":\"int\"}]}");
        String artifact = "compat-probe-" + System.nanoTime();

        assertThat(register(infra, artifact, v1, true)).isEqualTo(200);
        assertThat(register(infra, artifact, withDefault, false)).isEqualTo(200);
        assertThat(register(infra, artifact, withoutDefault, false)).as("a new field without default").isEqualTo(409);
    }

    /** Registers a schema through the Apicurio v2 API, as a new artifact or a new version; returns the status. */
    private static int register(HeraldInfrastructure infra, String artifact, String schema, boolean first)
            throws Exception {
        String url = infra.registry().apicurioApiUrl() + "/groups/default/artifacts"
                + (first ? "" : "/" + artifact + "/versions");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(schema));
        if (first) {
            request.header("X-Registry-ArtifactId", artifact).header("X-Registry-ArtifactType", "AVRO");
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static byte[] readOne(HeraldInfrastructure infra, String topic) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    return record.value();
                }
            }
            throw new AssertionError("no record arrived on " + topic);
        }
    }
}
