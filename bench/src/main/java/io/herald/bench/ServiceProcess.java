package io.herald.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import io.herald.runtime.ops.DaemonThreads;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One Herald service in its own JVM, configured through environment variables as in production, so that its CPU
 * time and heap are its own: measured from the process (CPU) and from its {@code /metrics} (heap, sampled).
 */
final class ServiceProcess implements AutoCloseable {

    /** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture the JDK runs on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** How often the heap is sampled while a scenario runs. */
    static final Duration HEAP_SAMPLE_PERIOD = Duration.ofSeconds(5);

    private final String name;
    private final Process process;
    private final ProcessBuilder builder;
    private final Path log;
    private final int opsPort;
    private final ScheduledExecutorService sampler = DaemonThreads.scheduler("heap-sampler");
    private volatile long peakHeapBytes;

    private ServiceProcess(String name, ProcessBuilder builder, Path log, int opsPort) throws IOException {
        this.name = name;
        this.builder = builder;
        this.log = log;
        this.process = builder.start();
        this.opsPort = opsPort;
        sampler.scheduleAtFixedRate(this::sampleHeap, 0, HEAP_SAMPLE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts {@code mainClass} with this JVM's classpath and waits until its readiness endpoint answers 200. */
    static ServiceProcess start(String name, String mainClass, String opsPortVariable, Map<String, String> env,
            Path log) throws IOException, InterruptedException {
        return start(name, mainClass, opsPortVariable, env, log, List.of());
    }

    /** ... with more JVM options. */
    static ServiceProcess start(String name, String mainClass, String opsPortVariable, Map<String, String> env,
            Path log, List<String> jvmOptions) throws IOException, InterruptedException {
        int opsPort = io.herald.testkit.FreePorts.any();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx768m"));
        command.addAll(jvmOptions);
        if (Boolean.getBoolean("herald.bench.profile")) { // --profile: a JFR recording per service, for hot spots
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                    + log.resolveSibling(name + ".jfr"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put(opsPortVariable, Integer.toString(opsPort));
        return new ServiceProcess(name, builder, log, opsPort).awaitReady();
    }

    /**
     * The same service started again after {@link #kill()} or {@link #close()}, with the same settings, ops port and
     * log (appended to), as an orchestrator restarts a pod; tells {@code onStarted} of the new process as soon as it
     * runs, and returns once it is ready.
     */
    ServiceProcess startAgain(java.util.function.Consumer<ServiceProcess> onStarted)
            throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        ServiceProcess again = new ServiceProcess(name, builder, log, opsPort);
        onStarted.accept(again);
        return again.awaitReady();
    }

    private ServiceProcess awaitReady() throws InterruptedException {
        ServiceProcess service = this;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!service.ready()) {
            if (!service.process.isAlive() || System.nanoTime() > deadline) {
                service.close();
                throw new IllegalStateException(name + " did not become ready; see " + log);
            }
            Thread.sleep(200);
        }
        return service;
    }

    /** SIGKILL: no shutdown hook runs, nothing is committed or flushed, as when a node or container dies. */
    void kill() {
        sampler.shutdownNow();
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    /** CPU time the process has used so far (all its threads). */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * CPU time the JIT compiler threads have used so far (Linux: from {@code /proc}; empty elsewhere). On 2 cores
     * they take a large share for the first minutes of a JVM's life, a cost that a long-running service no
     * longer pays.
     */
    Optional<Duration> compilerCpuTime() {
        return compilerCpuTime(process.pid());
    }

    static Optional<Duration> compilerCpuTime(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) {
            return Optional.empty();
        }
        long ticks = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    if (Files.readString(thread.resolve("comm")).matches("C[12] CompilerThre.*\\s*")) {
                        // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
                        String stat = Files.readString(thread.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException | RuntimeException threadEnded) {
                    // a compiler thread that went away meanwhile: its time is gone from the process too
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND));
    }

    /** The largest heap in use seen since the last reset, in bytes. */
    long peakHeapBytes() {
        return peakHeapBytes;
    }

    void resetPeakHeap() {
        peakHeapBytes = 0;
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort + "/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Reads the heap in use from the service's /metrics and keeps it if it is the largest seen. */
    void sampleHeap() {
        try {
            // Only the heap series is formatted, but the registry still collects every meter (hundreds of Kafka
            // client and Streams meters): about 4% of the router's CPU at one scrape per 2 s, which the figures
            // would include. Hence the period, and a sample at the end of each scenario.
            String scraped = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort
                            + "/metrics?name%5B%5D=jvm_memory_used_bytes"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            long heap = scraped.lines().filter(line -> line.startsWith("jvm_memory_used_bytes{")
                            && line.contains("area=\"heap\""))
                    .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
            peakHeapBytes = Math.max(peakHeapBytes, heap);
        } catch (Exception e) {
            // a missed sample: the next one comes a period later
        }
    }

    /**
     * The service's counters named in {@code names} (as registered: without {@code _total}), summed per series name
     * and first label value (e.g. {@code herald_deferrals_total saturated}); empty when the scrape fails. For the
     * log: what besides the measured deliveries a service did during a scenario.
     */
    Map<String, Double> counters(List<String> names) {
        StringBuilder query = new StringBuilder();
        names.forEach(name -> query.append(query.isEmpty() ? '?' : '&').append("name%5B%5D=").append(name));
        try {
            return sumByFirstLabel(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort
                            + "/metrics" + query)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** Prometheus text, its samples summed per series name and first label value (comments skipped). */
    static Map<String, Double> sumByFirstLabel(String exposition) {
        Map<String, Double> sums = new java.util.TreeMap<>();
        exposition.lines().filter(line -> !line.startsWith("#") && line.contains(" ")).forEach(line -> {
            String series = line.substring(0, line.lastIndexOf(' '));
            int labels = series.indexOf('{');
            int valueStart = series.indexOf('"', labels + 1);
            int valueEnd = valueStart < 0 ? -1 : series.indexOf('"', valueStart + 1);
            String key = labels < 0 ? series : valueEnd < 0 ? series.substring(0, labels)
                    : series.substring(0, labels) + " " + series.substring(valueStart + 1, valueEnd);
            sums.merge(key, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
        });
        return sums;
    }

    /** SIGTERM, as an orchestrator stops it, then a kill if it does not exit in time. */
    @Override
    public void close() {
        sampler.shutdownNow();
        process.destroy();
        try {
            if (!process.waitFor(45, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
