package io.herald.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the scripts of {@code src/test/node}, where public npm libraries judge Herald: receiver libraries its
 * signatures, Ajv its JSON Schemas, KafkaJS with a schema registry client its topics. Needs node and
 * {@code npm ci --prefix deploy/src/test/node}; without them the tests are skipped locally, but on CI (CI=true)
 * their absence fails them, so the checks can't silently stop running.
 */
final class NodeVerifiers {

    private static final Path PROJECT = Path.of("src/test/node").toAbsolutePath();

    record Result(int exitCode, String output) {
    }

    private NodeVerifiers() {
    }

    static void assumeAvailable() {
        boolean ready = java.util.stream.Stream.of("standardwebhooks", "@octokit/webhooks-methods", "ajv",
                        "ajv-formats", "kafkajs", "@kafkajs/confluent-schema-registry", "yaml", "kubernetes-models",
                        "@kubernetes-models/keda")
                .allMatch(module -> Files.isDirectory(PROJECT.resolve("node_modules").resolve(module)))
                && nodeRuns();
        if ("true".equals(System.getenv("CI"))) {
            if (!ready) {
                throw new AssertionError("node or the npm verifiers are missing on CI; .ci/run must run "
                        + "`npm ci --prefix deploy/src/test/node`");
            }
            return;
        }
        Assumptions.assumeTrue(ready, "node verifiers not installed: run npm ci --prefix deploy/src/test/node");
    }

    /** Runs verify-deliveries.mjs on captured requests ([{secret, publicKey, body, headers}]). */
    static Result verify(String capturedJson) throws IOException, InterruptedException {
        return withInput("verify-deliveries.mjs", capturedJson);
    }

    /** Runs validate-bodies.mjs on [{name, schema, body, valid}]. */
    static Result validateBodies(String casesJson) throws IOException, InterruptedException {
        return withInput("validate-bodies.mjs", casesJson);
    }

    /** Runs a script with the arguments given; its output is stdout and stderr together. */
    static Result run(String script, String... arguments) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("node", script));
        command.addAll(java.util.List.of(arguments));
        Path output = Files.createTempFile("herald-node-output-", ".txt");
        try {
            // Output to a file, not a pipe: a script that hangs must not hang the test with it.
            Process node = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!node.waitFor(90, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor();
                throw new AssertionError(script + " did not finish: " + Files.readString(output));
            }
            return new Result(node.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Result withInput(String script, String json) throws IOException, InterruptedException {
        Path input = Files.createTempFile("herald-node-input-", ".json");
        try {
            Files.writeString(input, json);
            return run(script, input.toString());
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private static boolean nodeRuns() {
        try {
            Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
