package io.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.delivery.DeadLetter;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.Webhook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import io.herald.schemas.serde.HeraldSerdes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Every schema written to a topic must read what its previous version wrote (BACKWARD, the registry's rule too):
 * the build fails otherwise. The previous versions are the files in {@code baselines/}, the schemas as last
 * released; after a release, run this test with {@code -Dherald.schemas.rebaseline=true} to make the current
 * schemas the baseline.
 */
class SchemaEvolutionTest {

    private static final Path BASELINES = Path.of("baselines");
    /** As registered and written: a record renamed in the code keeps its earlier name on the wire. */
    private static final List<Schema> TOPIC_VALUES = Stream.of(IamEvent.getClassSchema(),
            Webhook.getClassSchema(), AuditEntry.getClassSchema(), Delivery.getClassSchema(),
            DeliveryAttempt.getClassSchema(), DeadLetter.getClassSchema(),
            io.herald.schemas.auth.ApiKey.getClassSchema(), io.herald.schemas.replay.Replay.getClassSchema(),
            io.herald.schemas.health.WebhookDisableRequest.getClassSchema()).map(HeraldSerdes::wireSchemaOf).toList();
    private static final List<Schema> IN_THE_CODE = List.of(IamEvent.getClassSchema(), Webhook.getClassSchema(),
            AuditEntry.getClassSchema(), Delivery.getClassSchema(), DeliveryAttempt.getClassSchema(),
            DeadLetter.getClassSchema(), io.herald.schemas.auth.ApiKey.getClassSchema(),
            io.herald.schemas.replay.Replay.getClassSchema(),
            io.herald.schemas.health.WebhookDisableRequest.getClassSchema());

    @Test
    void everyTopicSchemaReadsWhatItsPreviousVersionWrote() throws IOException {
        if (Boolean.getBoolean("herald.schemas.rebaseline")) {
            Files.createDirectories(BASELINES);
            for (Schema current : TOPIC_VALUES) {
                Files.writeString(baselineOf(current), current.toString(true) + "\n");
            }
        }
        for (Schema current : TOPIC_VALUES) {
            Path baseline = baselineOf(current);
            assertThat(baseline).as("baseline of " + current.getFullName()
                    + "; a new topic schema gets one with -Dherald.schemas.rebaseline=true").exists();
            Schema previous = new Schema.Parser().parse(Files.readString(baseline));
            assertThat(incompatibilities(current, previous)).as(current.getFullName() + " against " + baseline)
                    .isEmpty();
        }
    }

    @Test
    void theGeneratedClassesReadWhatThePreviousVersionWroteThroughTheirAliases() throws IOException {
        for (int i = 0; i < IN_THE_CODE.size(); i++) {
            Schema code = IN_THE_CODE.get(i);
            Schema previous = new Schema.Parser().parse(Files.readString(baselineOf(TOPIC_VALUES.get(i))));
            assertThat(incompatibilities(code, previous)).as(code.getFullName() + " reading " + previous.getFullName())
                    .isEmpty();
        }
    }

    @Test
    void aNewFieldWithoutDefaultIsCaught() {
        Schema current = Webhook.getClassSchema();
        List<Schema.Field> fields = new java.util.ArrayList<>();
        current.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        fields.add(new Schema.Field("region", Schema.create(Schema.Type.STRING)));
        Schema broken = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);

        assertThat(incompatibilities(broken, current)).singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT").contains("region");
    }

    @Test
    void droppingAnEventTypeIsCaught() {
        Schema current = IamEvent.getClassSchema();
        String json = current.toString();
        // The envelope without the last data type: old records of that type could not be read.
        String lastType = current.getField("data").schema().getTypes().get(
                current.getField("data").schema().getTypes().size() - 1).toString();
        Schema shrunk = new Schema.Parser().parse(json.replace("," + lastType, ""));

        assertThat(incompatibilities(shrunk, current)).isNotEmpty();
    }

    private static List<String> incompatibilities(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .collect(Collectors.toList());
    }

    private static Path baselineOf(Schema schema) {
        return BASELINES.resolve(schema.getFullName() + ".avsc");
    }
}
