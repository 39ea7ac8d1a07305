package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.schemas.webhook.BearerTokenAuth;
import io.herald.schemas.webhook.EncryptedValue;
import io.herald.schemas.webhook.Webhook;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The webhook record was called {@code io.herald.schemas.subscription.Subscription} by earlier releases. Through a
 * real registry: what an earlier release wrote, this one reads; what this one writes is registered under the earlier
 * name, as the same schema, and an earlier release (Apicurio's own datum provider) reads it.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class RenamedRecordsIT {

    private static final String TOPIC = "testkit-renamed-records";
    private static final Path EARLIER =
            Path.of("../schemas/baselines/io.herald.schemas.subscription.Subscription.avsc");

    @Test
    void anEarlierReleaseAndThisOneReadEachOthersWebhooks(HeraldInfrastructure infra) throws Exception {
        Webhook webhook = webhook();
        GenericRecord asBefore = asEarlierRelease(webhook);

        byte[] fromEarlier;
        try (AvroKafkaSerializer<GenericRecord> earlier = new AvroKafkaSerializer<>()) {
            earlier.configure(earlierRelease(infra), false);
            fromEarlier = earlier.serialize(TOPIC, asBefore);
        }
        byte[] fromThis;
        try (var serializer = HeraldSerdes.<Webhook>valueSerializer(infra.registryUrl());
                var deserializer = HeraldSerdes.<Webhook>valueDeserializer(infra.registryUrl())) {
            assertThat(deserializer.deserialize(TOPIC, fromEarlier)).as("the earlier release's record")
                    .isEqualTo(webhook);
            fromThis = serializer.serialize(TOPIC, webhook);
        }

        assertThat(schemaIdOf(fromThis)).as("registered as the same schema").isEqualTo(schemaIdOf(fromEarlier));
        assertThat(registeredSchema(infra, schemaIdOf(fromThis)))
                .contains("\"name\":\"Subscription\"", "\"namespace\":\"io.herald.schemas.subscription\"")
                .doesNotContain("io.herald.schemas.webhook");
        try (AvroKafkaDeserializer<GenericRecord> earlier = new AvroKafkaDeserializer<>()) {
            earlier.configure(earlierRelease(infra), false);
            GenericRecord read = earlier.deserialize(TOPIC, fromThis);
            assertThat(read.getSchema().getFullName()).isEqualTo("io.herald.schemas.subscription.Subscription");
            assertThat(read).isEqualTo(asBefore);
        }
    }

    /** How an earlier release configured its serdes: Apicurio's datum provider, which looks classes up by name. */
    private static Map<String, Object> earlierRelease(HeraldInfrastructure infra) {
        Map<String, Object> config = ApicurioSerdes.config(infra.registry().apicurioApiUrl());
        config.put(AvroKafkaSerdeConfig.AVRO_DATUM_PROVIDER, DefaultAvroDatumProvider.class.getName());
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, "false"); // its classes are not on this classpath
        return config;
    }

    /** The webhook as the earlier release held it: the same fields, under the earlier names. */
    private static GenericRecord asEarlierRelease(Webhook webhook) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<Webhook>(Webhook.getClassSchema()).write(webhook, encoder);
        encoder.flush();
        Schema earlier = new Schema.Parser().parse(Files.readString(EARLIER));
        return new GenericDatumReader<GenericRecord>(earlier)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    private static int schemaIdOf(byte[] record) {
        return ByteBuffer.wrap(record, 1, 4).getInt();
    }

    private static String registeredSchema(HeraldInfrastructure infra, int id) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(infra.registry().confluentApiUrl() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().replace("\\\"", "\"");
    }

    private static Webhook webhook() {
        EncryptedValue secret = new EncryptedValue("k1", ByteBuffer.wrap(new byte[12]), ByteBuffer.wrap(new byte[32]));
        Instant created = Instant.parse("2026-11-01T10:00:00Z");
        return Webhook.newBuilder().setId("wh_06H338TFWN4PH4CB28ZW3P7W10").setTenant("acme").setName("audit")
                .setUrl("https://hooks.example.com/herald").setEventTypes(List.of("auth.*")).setActive(true)
                .setSigningSecrets(List.of(secret)).setAuth(new BearerTokenAuth(secret))
                .setCreatedAt(created).setUpdatedAt(created).setVersion(3).build();
    }
}
