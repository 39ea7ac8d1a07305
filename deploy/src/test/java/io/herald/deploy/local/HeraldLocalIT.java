package io.herald.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher's demo, as a newcomer runs it: its own broker and registry, all services, signed deliveries. */
class HeraldLocalIT {

    @Test
    void demoDeliversEveryEventToItsWebhooksWithValidSignatures() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

        int exitCode = HeraldLocal.run(LocalOptions.parse(new String[] {"demo", "--events", "30", "--rate", "50",
                "--port", "0"}), out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(exitCode).as(printed).isZero();
        assertThat(printed).contains("Kafka bootstrap servers", "Ingest service", "Paused hook")
                .containsPattern("OK: all \\d+ deliveries of 30 events arrived, signatures valid.")
                .containsPattern("bad 0\\s*\\nOK");
    }

    @Test
    void rejectsUnknownArgumentsWithUsage() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalOptions.parse(new String[] {"demo", "--evnts", "3"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown argument '--evnts'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalOptions.parse(new String[] {"--port", "http"}))
                .hasMessage("--port must be a number, got 'http'");
    }
}
