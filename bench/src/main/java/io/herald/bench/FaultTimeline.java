package io.herald.bench;

import io.herald.bench.FaultRun.Fault;
import java.util.List;
import java.util.Locale;

/**
 * A fault run second by second, as CSV: deliveries that arrived, how many of them late, the latest one's lateness,
 * the CPU each process used (in all, and in its JIT compiler), and the faults where they happened. What to read when a recovery took long.
 */
final class FaultTimeline {

    private FaultTimeline() {
    }

    /**
     * {@code arrivals} as {arrived epoch millis, latency millis}, {@code cpuRows} as {@link CpuTimeline#rows()} with
     * columns {@code names}; one row per second from {@code start}.
     */
    static String csv(long start, List<long[]> arrivals, List<Fault> faults, List<String> names,
            List<long[]> cpuRows) {
        long end = arrivals.stream().mapToLong(arrival -> arrival[0]).max().orElse(start);
        int seconds = (int) ((end - start) / 1000) + 1;
        long[] arrived = new long[seconds];
        long[] late = new long[seconds];
        long[] latest = new long[seconds];
        for (long[] arrival : arrivals) {
            int second = (int) ((arrival[0] - start) / 1000);
            if (second < 0 || second >= seconds) {
                continue;
            }
            arrived[second]++;
            if (arrival[1] > FaultReport.LATE.toMillis()) {
                late[second]++;
            }
            latest[second] = Math.max(latest[second], arrival[1]);
        }
        long[][] cpuBySecond = new long[seconds][2 * names.size()];
        for (long[] row : cpuRows) {
            // a sample covers the second before it
            int second = (int) ((row[0] - start) / 1000) - 1;
            if (second >= 0 && second < seconds) {
                System.arraycopy(row, 1, cpuBySecond[second], 0, 2 * names.size());
            }
        }
        StringBuilder csv = new StringBuilder("second,arrived,late,max_latency_ms");
        names.forEach(name -> csv.append(",cpu_ms_").append(name));
        names.forEach(name -> csv.append(",jit_ms_").append(name));
        csv.append(",fault\n");
        for (int second = 0; second < seconds; second++) {
            csv.append(second).append(',').append(arrived[second]).append(',').append(late[second]).append(',')
                    .append(latest[second]);
            for (long used : cpuBySecond[second]) {
                csv.append(',').append(used);
            }
            csv.append(',').append(faultsAt(start, second, faults)).append('\n');
        }
        return csv.toString();
    }

    private static String faultsAt(long start, int second, List<Fault> faults) {
        StringBuilder text = new StringBuilder();
        for (Fault fault : faults) {
            if ((fault.killedAt() - start) / 1000 == second) {
                text.append(text.isEmpty() ? "" : " ").append(fault.target()).append(" killed");
            }
            if ((fault.backAt() - start) / 1000 == second) {
                text.append(text.isEmpty() ? "" : " ").append(fault.target()).append(" back");
            }
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }
}
