package io.herald.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceProcessTest {

    @Test
    void findsTheCpuTimeOfAJvmsCompilerThreads() {
        long self = ProcessHandle.current().pid();
        assumeTrue(Files.isDirectory(Path.of("/proc", Long.toString(self), "task")), "needs Linux's /proc");

        Optional<Duration> compilers = ServiceProcess.compilerCpuTime(self);
        Duration total = ProcessHandle.current().info().totalCpuDuration().orElseThrow();

        // This JVM has compiled the test framework by now: some of its CPU went to the JIT, never all of it.
        assertThat(compilers).hasValueSatisfying(jit -> assertThat(jit).isPositive().isLessThan(total));
    }

    @Test
    void knowsNothingOfAProcessThatIsNotThere() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");

        assertThat(ServiceProcess.compilerCpuTime(Long.MAX_VALUE)).isEmpty();
    }
}
