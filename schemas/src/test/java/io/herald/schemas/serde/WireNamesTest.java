package io.herald.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.BearerTokenAuth;
import io.herald.schemas.webhook.EncryptedValue;
import io.herald.schemas.webhook.RetiringSecret;
import io.herald.schemas.webhook.Webhook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The webhook record was called Subscription, in namespace io.herald.schemas.subscription: what an earlier release
 * wrote must still be read, and what this one writes must still be readable by the earlier release.
 */
class WireNamesTest {

    private static final Path BASELINES = Path.of("baselines");

    @Test
    void aRenamedRecordIsRegisteredUnderItsEarlierNameExactlyAsTheEarlierReleaseRegisteredIt() throws IOException {
        Schema wire = HeraldSerdes.wireSchemaOf(Webhook.getClassSchema());

        assertThat(wire.getFullName()).isEqualTo("io.herald.schemas.subscription.Subscription");
        assertThat(wire.getField("auth").schema().getTypes().get(1).getFullName())
                .isEqualTo("io.herald.schemas.subscription.BearerTokenAuth");
        assertThat(wire.getField("signingSecrets").schema().getElementType().getFullName())
                .isEqualTo("io.herald.schemas.subscription.EncryptedValue");
        assertThat(wire.getAliases()).as("its own name is no alias").isEmpty();
        assertThat(wire).as("the schema as last released").isEqualTo(baseline("Subscription"));
        assertThat(RecordSchemas.wireSchemaOf(Webhook.getClassSchema())).isSameAs(wire);
        assertThat(HeraldSerdes.wireSchemaOf(AuditEntry.getClassSchema())).isEqualTo(baseline("AuditEntry"));
    }

    @Test
    void recordsNothingWasRenamedInKeepTheirSchema() {
        assertThat(HeraldSerdes.wireSchemaOf(IamEvent.getClassSchema())).isSameAs(IamEvent.getClassSchema());
    }

    @Test
    void whatTheEarlierReleaseWroteDecodesIntoTheRenamedClasses() throws IOException {
        Webhook original = webhook();
        Schema earlier = baseline("Subscription");
        GenericRecord asWrittenBefore = new GenericDatumReader<GenericRecord>(earlier)
                .read(null, DecoderFactory.get().binaryDecoder(encode(original), null));
        assertThat(asWrittenBefore.getSchema().getFullName()).isEqualTo("io.herald.schemas.subscription.Subscription");
        byte[] written = encodeGeneric(asWrittenBefore);

        Webhook read = RecordSchemas.<Webhook>readerFor(earlier)
                .read(null, DecoderFactory.get().binaryDecoder(written, null));

        assertThat(read).isEqualTo(original);
        assertThat(read.getAuth()).isInstanceOf(BearerTokenAuth.class);
    }

    @Test
    void whatThisReleaseWritesTheEarlierOneReadsUnderTheEarlierNames() throws IOException {
        Webhook webhook = webhook();
        byte[] written = encode(webhook);

        GenericRecord read = new GenericDatumReader<GenericRecord>(baseline("Subscription"))
                .read(null, DecoderFactory.get().binaryDecoder(written, null));

        assertThat(read.get("id")).hasToString(webhook.getId());
        assertThat(((GenericRecord) read.get("auth")).getSchema().getFullName())
                .isEqualTo("io.herald.schemas.subscription.BearerTokenAuth");
        assertThat(read.get("retiringSecrets")).asList().hasSize(1);
    }

    @Test
    void aRecordNoHeraldReleaseKnowsIsRefusedByName() {
        Schema stranger = Schema.createRecord("Stranger", null, "com.example", false, List.of());

        assertThatThrownBy(() -> RecordSchemas.readerFor(stranger))
                .hasMessage("no Herald record is or was named com.example.Stranger");
    }

    private static Webhook webhook() {
        EncryptedValue secret = new EncryptedValue("k1", ByteBuffer.wrap(new byte[12]), ByteBuffer.wrap(new byte[32]));
        Instant created = Instant.parse("2026-11-01T10:00:00Z");
        return Webhook.newBuilder().setId("wh_06H338TFWN4PH4CB28ZW3P7W10").setTenant("acme").setName("audit")
                .setUrl("https://hooks.example.com/herald").setEventTypes(List.of("auth.*")).setActive(true)
                .setSigningSecrets(List.of(secret))
                .setRetiringSecrets(List.of(new RetiringSecret(secret, created.plusSeconds(86_400))))
                .setAuth(new BearerTokenAuth(secret)).setHeaders(Map.of("X-Team", "iam"))
                .setCreatedAt(created).setUpdatedAt(created).setVersion(3).build();
    }

    /** As Herald's serializer writes it, behind the 5-byte prefix. */
    private static byte[] encode(Webhook webhook) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<Webhook>(webhook.getSchema()).write(webhook, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] encodeGeneric(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Schema baseline(String record) throws IOException {
        return new Schema.Parser().parse(Files.readString(
                BASELINES.resolve("io.herald.schemas.subscription." + record + ".avsc")));
    }
}
