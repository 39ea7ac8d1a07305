package io.herald.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Samples, once a second, the CPU each named process used since the last sample, in all and in its JIT compiler
 * threads (milliseconds per second; a process started again under the same name keeps its columns): where the cores
 * went while Herald recovered from a fault.
 */
final class CpuTimeline implements AutoCloseable {

    private final Map<String, LongSupplier> pids;
    private final Map<String, long[]> last = new LinkedHashMap<>(); // name -> {pid, cpu millis, jit millis}
    private final List<long[]> rows = new ArrayList<>(); // {epoch millis, cpu millis per name, jit millis per name}
    private final Thread sampler;
    private volatile boolean running = true;

    /** {@code pids} by name, each asked at every sample: -1 while that process doesn't run. */
    CpuTimeline(Map<String, LongSupplier> pids) {
        this.pids = new LinkedHashMap<>(pids);
        sampler = new Thread(this::sampleEverySecond, "cpu-timeline");
        sampler.setDaemon(true);
        sampler.start();
    }

    List<String> names() {
        return List.copyOf(pids.keySet());
    }

    /**
     * The samples so far: epoch millis, then the CPU milliseconds each process used in the second before it, then
     * those of its JIT compiler threads, in the order of {@link #names()}.
     */
    synchronized List<long[]> rows() {
        return List.copyOf(rows);
    }

    private void sampleEverySecond() {
        while (running) {
            long[] row = new long[2 * pids.size() + 1];
            row[0] = System.currentTimeMillis();
            int column = 1;
            for (Map.Entry<String, LongSupplier> named : pids.entrySet()) {
                long[] used = used(named.getKey(), named.getValue().getAsLong());
                row[column] = used[0];
                row[column + pids.size()] = used[1];
                column++;
            }
            synchronized (this) {
                rows.add(row);
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {cpu, jit} milliseconds since the last sample of this name. */
    private long[] used(String name, long pid) {
        long cpu = pid < 0 ? -1 : ProcessHandle.of(pid).flatMap(process -> process.info().totalCpuDuration())
                .map(Duration::toMillis).orElse(-1L);
        long[] before = last.get(name);
        if (cpu < 0) {
            last.remove(name);
            return new long[2];
        }
        long jit = ServiceProcess.compilerCpuTime(pid).map(Duration::toMillis).orElse(0L);
        last.put(name, new long[] {pid, cpu, jit});
        return before == null || before[0] != pid ? new long[] {cpu, jit}
                : new long[] {cpu - before[1], Math.max(0, jit - before[2])};
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
