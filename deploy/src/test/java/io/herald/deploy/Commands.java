package io.herald.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The external tools the deploy tests call (node, kubectl, promtool), run the same way. */
final class Commands {

    /** @param exitCode -1 when the command could not start or did not finish in time */
    record Result(int exitCode, String output) {
    }

    private Commands() {
    }

    /**
     * A tool a test needs: where it is missing the test is skipped, except on CI ({@code CI=true}), where it fails
     * (.ci/run must install every tool the tests use, so no test skips there).
     *
     * @param missing what is missing and how to install it
     */
    static void require(boolean available, String missing) {
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(missing + ", on CI: .ci/run must install it");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(available, missing);
    }

    /**
     * Runs a command in {@code directory} (null: the current one), stdout and stderr together. Output goes to a
     * file, not a pipe: a command that hangs must not hang the test with it.
     */
    static Result run(Path directory, Duration timeout, String... command) throws InterruptedException {
        try {
            Path output = Files.createTempFile("herald-command-", ".txt");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                if (directory != null) {
                    builder.directory(directory.toFile());
                }
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    return new Result(-1, String.join(" ", command) + " did not finish: "
                            + Files.readString(output, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e.getMessage());
        }
    }

    /** Whether the command is installed and succeeds within 30 seconds. */
    static boolean succeeds(String... command) {
        try {
            return run(null, Duration.ofSeconds(30), command).exitCode() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
