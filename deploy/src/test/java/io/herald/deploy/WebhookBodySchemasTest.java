package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.ingest.webhooks.SyntheticEvents;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.catalog.CatalogArtifacts;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventType;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The JSON Schemas the build makes for receivers describe the bodies Herald really sends: every event type's body,
 * with every field filled and with every optional field null, validates with Ajv; bodies that break them don't.
 */
class WebhookBodySchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyEventTypesBodyValidatesAgainstItsJsonSchemaAndBrokenOnesDoNot() throws Exception {
        NodeVerifiers.assumeAvailable();
        HeraldSerdes.trustHeraldRecords();
        Instant now = Instant.parse("2026-11-24T10:15:30Z");
        List<Map<String, Object>> cases = new ArrayList<>();
        for (EventType type : EventCatalog.get().types()) {
            Object schema = JSON.readTree(CatalogArtifacts.jsonSchema(type));
            IamEvent full = SyntheticEvents.of("acme", type, now);
            cases.add(Map.of("name", type.name() + " filled", "schema", schema, "valid", true,
                    "body", JSON.readTree(WebhookPayload.render(full))));
            cases.add(Map.of("name", type.name() + " optional fields null", "schema", schema, "valid", true,
                    "body", JSON.readTree(WebhookPayload.render(withNulls(full)))));
            ObjectNode extraField = (ObjectNode) JSON.readTree(WebhookPayload.render(full));
            ((ObjectNode) extraField.get("data")).put("notInTheSchema", 1);
            cases.add(Map.of("name", type.name() + " unknown data field", "schema", schema, "valid", false,
                    "body", extraField));
            ObjectNode wrongType = (ObjectNode) JSON.readTree(WebhookPayload.render(full));
            wrongType.put("type", "user.other");
            cases.add(Map.of("name", type.name() + " other type", "schema", schema, "valid", false,
                    "body", wrongType));
        }

        Commands.Result result = NodeVerifiers.validateBodies(JSON.writeValueAsString(cases));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("json schemas: " + cases.size() + " expectations met, 0 not met");
    }

    /** The event with every nullable data field set to null. */
    private static IamEvent withNulls(IamEvent event) {
        SpecificRecord data = (SpecificRecord) event.getData();
        IamEvent copy = IamEvent.newBuilder(event).build();
        SpecificRecord nulled = (SpecificRecord) org.apache.avro.specific.SpecificData.get().deepCopy(
                data.getSchema(), data);
        for (Schema.Field field : data.getSchema().getFields()) {
            if (field.schema().getType() == Schema.Type.UNION) {
                nulled.put(field.pos(), null);
            }
        }
        copy.setData(nulled);
        return copy;
    }
}
