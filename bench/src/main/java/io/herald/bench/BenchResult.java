package io.herald.bench;

/**
 * One measured line of the benchmark.
 *
 * @param scenario what ran, e.g. "herald fan-out 10"
 * @param receiver "instant" or "50 ms"
 * @param deliveries requests that reached healthy endpoints during the measurement
 * @param perSecond their rate
 * @param latency event time to arrival at the receiver, when measured (null otherwise)
 * @param cpuMsPerThousand CPU milliseconds of router and deliverer per 1,000 deliveries, when measured (else -1)
 * @param cpuMsPerThousandWithoutJit the same without their JIT compiler threads, when known (else -1)
 * @param routerHeapMb peak heap of the router in MiB (-1 when not running in its own process)
 * @param delivererHeapMb peak heap of the deliverer(s) in MiB (-1 when not running)
 */
record BenchResult(String scenario, String receiver, long deliveries, double perSecond,
        LatencyRecorder.Percentiles latency, double cpuMsPerThousand, double cpuMsPerThousandWithoutJit, long routerHeapMb, long delivererHeapMb) {

    static BenchResult rate(String scenario, String receiver, long deliveries, double perSecond) {
        return new BenchResult(scenario, receiver, deliveries, perSecond, null, -1, -1, -1, -1);
    }
}
