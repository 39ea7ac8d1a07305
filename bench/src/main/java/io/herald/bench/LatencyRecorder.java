package io.herald.bench;

import java.util.Arrays;

/** Arrivals of one measurement: how many, when the first and last came, and each one's latency in milliseconds. */
final class LatencyRecorder {

    private long[] latencies = new long[1 << 16];
    private int count;
    private long firstNanos;
    private long lastNanos;

    synchronized void record(long latencyMs) {
        long now = System.nanoTime();
        if (count == 0) {
            firstNanos = now;
        }
        lastNanos = now;
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[count++] = latencyMs;
    }

    synchronized int count() {
        return count;
    }

    synchronized long lastNanos() {
        return lastNanos;
    }

    /** p50, p95, p99 and max of the latencies recorded, in milliseconds. */
    synchronized Percentiles percentiles() {
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return new Percentiles(at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    }

    private static long at(long[] sorted, double quantile) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    record Percentiles(long p50, long p95, long p99, long max) {
    }
}
