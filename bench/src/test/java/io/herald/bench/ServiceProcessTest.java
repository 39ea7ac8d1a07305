package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceProcessTest {

    @Test
    void sumsCountersPerNameAndFirstLabel() {
        String scraped = """
                # HELP herald_deliveries_total Delivery attempts by result
                # TYPE herald_deliveries_total counter
                herald_deliveries_total{result="delivered",service="deliverer",tenant="a"} 40.0
                herald_deliveries_total{result="delivered",service="deliverer",tenant="b"} 2.0
                herald_deliveries_total{result="skipped",service="deliverer",tenant="a"} 3.0
                herald_deferrals_total{reason="stalled",service="deliverer"} 1850.0
                herald_unlabelled_total 7.0
                herald_empty_total{} 1.0
                """;

        assertThat(ServiceProcess.sumByFirstLabel(scraped)).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "herald_deliveries_total delivered", 42.0, "herald_deliveries_total skipped", 3.0,
                "herald_deferrals_total stalled", 1850.0, "herald_unlabelled_total", 7.0, "herald_empty_total", 1.0));
    }

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
