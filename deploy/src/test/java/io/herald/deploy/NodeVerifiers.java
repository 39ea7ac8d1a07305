package io.herald.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code src/test/node/verify-deliveries.mjs}: the public npm receiver libraries judge Herald's signatures.
 * Needs node and {@code npm ci --prefix deploy/src/test/node}; without them the test is skipped locally, but on CI
 * (CI=true) their absence fails it, so the check can't silently stop running.
 */
final class NodeVerifiers {

    private static final Path PROJECT = Path.of("src/test/node").toAbsolutePath();

    record Result(int exitCode, String output) {
    }

    private NodeVerifiers() {
    }

    static void assumeAvailable() {
        boolean ready = Files.isDirectory(PROJECT.resolve("node_modules/standardwebhooks"))
                && Files.isDirectory(PROJECT.resolve("node_modules/@octokit/webhooks-methods"))
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

    static Result verify(String capturedJson) throws IOException, InterruptedException {
        Path input = Files.createTempFile("herald-captured-", ".json");
        try {
            Files.writeString(input, capturedJson);
            Process node = new ProcessBuilder("node", "verify-deliveries.mjs", input.toString())
                    .directory(PROJECT.toFile()).redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                throw new AssertionError("node verifiers did not finish: " + output);
            }
            return new Result(node.exitValue(), output);
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
