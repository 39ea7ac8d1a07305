package io.herald.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the scripts of {@code src/test/node}, where public npm libraries judge Herald: receiver libraries its
 * signatures, Ajv its JSON Schemas, KafkaJS with a schema registry client its topics. Needs node and
 * {@code npm ci --prefix deploy/src/test/node}; without them the tests are skipped locally, but on CI (CI=true)
 * their absence fails them, so the checks can't silently stop running.
 */
final class NodeVerifiers {

    private static final Path PROJECT = Path.of("src/test/node").toAbsolutePath();

    private NodeVerifiers() {
    }

    static void assumeAvailable() {
        boolean ready = java.util.stream.Stream.of("standardwebhooks", "@octokit/webhooks-methods", "ajv",
                        "ajv-formats", "kafkajs", "@kafkajs/confluent-schema-registry", "yaml", "kubernetes-models",
                        "@kubernetes-models/keda")
                .allMatch(module -> Files.isDirectory(PROJECT.resolve("node_modules").resolve(module)))
                && nodeRuns();
        Commands.require(ready, "node or the npm verifiers are missing: npm ci --prefix deploy/src/test/node");
    }

    /** Runs verify-deliveries.mjs on captured requests ([{secret, publicKey, body, headers}]). */
    static Commands.Result verify(String capturedJson) throws IOException, InterruptedException {
        return withInput("verify-deliveries.mjs", capturedJson);
    }

    /** Runs validate-bodies.mjs on [{name, schema, body, valid}]. */
    static Commands.Result validateBodies(String casesJson) throws IOException, InterruptedException {
        return withInput("validate-bodies.mjs", casesJson);
    }

    /** Runs a script with the arguments given; its output is stdout and stderr together. */
    static Commands.Result run(String script, String... arguments) throws InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("node", script));
        command.addAll(java.util.List.of(arguments));
        Commands.Result result = Commands.run(PROJECT, java.time.Duration.ofSeconds(90),
                command.toArray(String[]::new));
        if (result.exitCode() == -1) {
            throw new AssertionError(result.output());
        }
        return result;
    }

    private static Commands.Result withInput(String script, String json) throws IOException, InterruptedException {
        Path input = Files.createTempFile("herald-node-input-", ".json");
        try {
            Files.writeString(input, json);
            return run(script, input.toString());
        } finally {
            Files.deleteIfExists(input);
        }
    }

    private static boolean nodeRuns() {
        return Commands.succeeds("node", "--version");
    }
}
