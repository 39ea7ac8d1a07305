package io.herald.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Confluent-compatible schema registry (Apicurio Registry, in-memory storage) in a child JVM on a free
 * loopback port. Killed on close, and by a shutdown hook if the parent JVM exits first.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Thread shutdownHook;

    private SchemaRegistryServer(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.shutdownHook = new Thread(process::destroyForcibly, "schema-registry-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts the registry on a free port and waits until it answers. */
    public static SchemaRegistryServer start() {
        return start(0, null);
    }

    /**
     * @param port the port, or 0 for a free one
     * @param logFile where the registry's output goes; null for a temporary file
     */
    public static SchemaRegistryServer start(int port, Path logFile) {
        RegistryDistribution distribution = RegistryDistribution.fromBuild();
        Path home = distribution.home();
        int chosenPort = port == 0 ? FreePorts.any() : port;
        try {
            Path log = logFile != null ? logFile : Files.createTempFile("herald-registry-", ".log");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process process = new ProcessBuilder(List.of(java, "-Xmx384m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + chosenPort,
                    "-Dquarkus.log.level=WARN",
                    "-jar", distribution.runnerJarName()))
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            SchemaRegistryServer server = new SchemaRegistryServer(process, chosenPort, log);
            server.awaitReady();
            LOG.info("Schema registry {} ready at {} (pid {})", distribution.version(), server.baseUrl(),
                    process.pid());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("starting the schema registry failed", e);
        }
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Apicurio's own v2 API, for what only it shows (global ids, artifacts). */
    public String apicurioApiUrl() {
        return baseUrl() + "/apis/registry/v2";
    }

    /**
     * The Confluent-compatible API, which Herald talks to, as do Confluent-style consumers (SIEM tools, kafkajs,
     * confluent-kafka).
     */
    public String confluentApiUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    /**
     * Registers schemas no Herald component knows, as a company registry holds them, so that the ids Herald's
     * schemas get neither start at 1 nor equal Apicurio's global ids (one content is registered twice, which
     * gives it two global ids but one content id). Through Apicurio's own API, as another team's tool would.
     */
    public void seedUnrelatedSchemas() {
        HttpClient http = HttpClient.newHttpClient();
        String[][] artifacts = {{"billing-invoice-value", "Invoice"}, {"billing-invoice-copy-value", "Invoice"},
            {"crm-contact-value", "Contact"}};
        for (String[] artifact : artifacts) {
            String schema = "{\"type\":\"record\",\"name\":\"" + artifact[1] + "\",\"namespace\":\"com.example\","
                    + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(apicurioApiUrl() + "/groups/default/artifacts"))
                    .header("Content-Type", "application/json")
                    .header("X-Registry-ArtifactId", artifact[0])
                    .header("X-Registry-ArtifactType", "AVRO")
                    .POST(HttpRequest.BodyPublishers.ofString(schema)).build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 200 && status != 409) {
                    throw new IllegalStateException("seeding the registry failed: HTTP " + status);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("seeding the registry failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while seeding the registry", e);
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(apicurioApiUrl() + "/system/info"))
                .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the schema registry exited with code " + process.exitValue()
                        + ": " + logTail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
            sleepQuietly(200);
        }
        close();
        throw new IllegalStateException("the schema registry did not answer within " + STARTUP_TIMEOUT + ": "
                + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to; nothing to undo
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
