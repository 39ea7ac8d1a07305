package io.herald.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.logging.LogKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The containers' logging configuration: text by default, one JSON object per line with HERALD_LOG_FORMAT=json. */
class StructuredLogsTest {

    private static final Path CONTAINER_CONFIG = Path.of("docker/logback.xml");

    @Test
    void jsonLinesCarryTheIdsOfTheDeliveryAsFieldsAndNotItsBody() throws Exception {
        String out = logOneDeliveryLine("json");

        JsonNode line = new ObjectMapper().readTree(out.strip());
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("loggerName").asText()).isEqualTo("io.herald.deliverer.DeliveryProcessor");
        assertThat(line.get("formattedMessage").asText()).isEqualTo("Delivery msg_1 to webhook wh_1 failed");
        assertThat(fields(line)).contains("tenant=acme", "webhook_id=wh_1", "event_id=evt_1",
                "event_type=user.created", "delivery_id=msg_1");
        assertThat(out).doesNotContain("hunter2");
    }

    @Test
    void textIsTheDefault() throws Exception {
        String out = logOneDeliveryLine(null);
        assertThat(out).matches("(?s)\\d{4}-\\d\\d-\\d\\dT[^ ]+ INFO  \\[[^]]+] i\\.h\\.d\\.DeliveryProcessor - "
                + "Delivery msg_1 to webhook wh_1 failed\\R");
    }

    private static List<String> fields(JsonNode line) {
        List<String> fields = new java.util.ArrayList<>();
        line.get("kvpList").forEach(pair -> pair.fields()
                .forEachRemaining(field -> fields.add(field.getKey() + "=" + field.getValue().asText())));
        return fields;
    }

    /** Configures a fresh logback context from the containers' file, with stdout captured. */
    private static String logOneDeliveryLine(String format) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String previous = System.getProperty("herald.log.format");
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a fresh context has none
        try {
            if (format != null) {
                System.setProperty("herald.log.format", format);
            }
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(CONTAINER_CONFIG.toFile());
            Logger log = context.getLogger("io.herald.deliverer.DeliveryProcessor");
            Delivery delivery = Delivery.newBuilder().setId("msg_1").setTenant("acme").setWebhookId("wh_1")
                    .setWebhookVersion(1).setEventId("evt_1").setEventType("user.created")
                    .setEventTimestamp(Instant.EPOCH).setRoutedAt(Instant.EPOCH).setAttempt(1)
                    .setBody("{\"password\":\"hunter2\"}").build();
            LogKeys.delivery(log.atInfo(), delivery).log("Delivery {} to webhook {} failed", delivery.getId(),
                    delivery.getWebhookId());
            context.getLogger("org.apache.kafka").info("libraries log at WARN and above only");
        } finally {
            context.stop();
            System.setOut(stdout);
            if (previous == null) {
                System.clearProperty("herald.log.format");
            } else {
                System.setProperty("herald.log.format", previous);
            }
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
