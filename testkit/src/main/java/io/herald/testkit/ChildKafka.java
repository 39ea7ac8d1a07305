package io.herald.testkit;

import io.herald.runtime.kafka.KafkaClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (KRaft, combined broker and controller) in a child JVM, {@code kafka.Kafka} from Kafka's
 * own artifacts on this JVM's classpath: unlike {@link EmbeddedKafka} it can be killed with SIGKILL, as a lost machine
 * is, and started again on the same data and ports. For fault runs.
 */
public final class ChildKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path directory;
    private final Path properties;
    private final int brokerPort;
    private final Thread shutdownHook;
    private Process process;

    private ChildKafka(Path directory, int brokerPort, int controllerPort) throws IOException, InterruptedException {
        this.directory = directory;
        this.brokerPort = brokerPort;
        Map<String, String> settings = new TreeMap<>(EmbeddedKafka.SINGLE_NODE);
        settings.putAll(Map.of(
                "process.roles", "broker,controller",
                "node.id", "1",
                "controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort,
                "listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names", "CONTROLLER",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs", directory.resolve("data").toString()));
        StringBuilder text = new StringBuilder();
        settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        properties = Files.writeString(directory.resolve("server.properties"), text);
        shutdownHook = new Thread(this::kill, "child-kafka-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Process format = new ProcessBuilder(javaCommand("kafka.tools.StorageTool", "format", "--standalone", "-t",
                Uuid.randomUuid().toString(), "-c", properties.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's storage failed; see " + log());
        }
    }

    /** Formats a new cluster in {@code directory} and starts its broker. */
    public static ChildKafka start(Path directory) {
        try {
            Files.createDirectories(directory);
            ChildKafka kafka = new ChildKafka(directory, FreePorts.any(), FreePorts.any());
            kafka.startAgain();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("the child Kafka broker could not be set up in " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the child Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Where the broker's output goes (appended to across restarts). */
    public Path log() {
        return directory.resolve("broker.log");
    }

    /** Starts the broker (again, after {@link #kill()}) on its data and ports, and waits until it serves. */
    public synchronized void startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is running");
        }
        try {
            process = new ProcessBuilder(javaCommand("kafka.Kafka", properties.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("the child Kafka broker could not start", e);
        }
        awaitReady();
        LOG.info("Kafka broker (pid {}) ready at {}", process.pid(), bootstrapServers());
    }

    /** The broker's process id while it runs (it changes with {@link #startAgain()}), -1 when it doesn't. */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /** SIGKILL: no controlled shutdown, nothing flushed, as when its machine is lost. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = KafkaClients.of(bootstrapServers()).admin(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    admin.listTopics().names().get(3, TimeUnit.SECONDS); // answered by the broker's metadata
                    return;
                } catch (Exception notYet) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("the child Kafka broker did not become ready; see " + log());
                    }
                    Thread.sleep(250);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child Kafka broker", e);
        }
    }

    private static List<String> javaCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** A controlled shutdown (SIGTERM), killed if it takes longer than 30 s. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
