package io.herald.bench;

import io.herald.bench.BenchStack.Faulty;
import io.herald.ingest.webhooks.CreatedWebhook;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The scenarios of one benchmark run on a {@link BenchStack}: the ceilings, Herald at fan-out 1 and 10, isolation
 * with failing webhooks, the naive consumer, scale-out and steady load, after a warm-up until the JIT settles.
 */
final class BenchRun implements AutoCloseable {

    static final Duration REALISTIC = Duration.ofMillis(50);
    /** Webhooks of one tenant matching every event, beyond fan-out 10. */
    static final List<Integer> GROWING_FAN_OUTS = List.of(100, 1_000);
    /** Event sizes beyond 1 KiB (fan-out 1's). */
    static final List<Integer> PAYLOAD_KIB = List.of(16, 64);
    /** The scenario name of the unrecorded runs. */
    private static final String WARM_UP = "warm-up";

    private final BenchStack stack;
    private final Ceilings ceilings;
    private final NaiveConsumer naive;

    /** A scenario run several times in turn with the others compared with it. */
    private record Compared(String name, Faulty faulty, List<BenchResult> runs) {
        Compared(String name, Faulty faulty) {
            this(name, faulty, new ArrayList<>());
        }
    }

    /** The run with the median throughput (the lower middle one of an even count). */
    static BenchResult median(List<BenchResult> runs) {
        List<BenchResult> sorted = runs.stream().sorted(Comparator.comparingDouble(BenchResult::perSecond)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** The JIT compilers' share of the services' CPU in a warm-up round below which warming up stops. */
    static final double JIT_SETTLED_SHARE = 0.15;

    private int warmUpRounds;

    private BenchRun(BenchStack stack) {
        this.stack = stack;
        this.ceilings = new Ceilings(stack);
        this.naive = new NaiveConsumer(stack);
    }


    static BenchRun start(java.nio.file.Path out) throws Exception {
        return new BenchRun(BenchStack.start(out));
    }


    /**
     * Runs the scenarios whose {@code "scenario, receiver"} label (one of {@link BenchOptions#SCENARIOS}) the filter
     * accepts, after the unrecorded warm-up;
     * the steady-load run needs the instant fan-out 1 result, its 100 % mark.
     */
    List<BenchResult> all(BenchPlan plan, Predicate<String> selected) throws Exception {
        List<BenchResult> results = new ArrayList<>();
        if (BenchOptions.SCENARIOS.stream().filter(selected).anyMatch(BenchRun::routes)) {
            warmUp(plan);
        }
        for (Duration delay : List.of(Duration.ZERO, REALISTIC)) {
            stack.receiver.delay(delay);
            if (wanted(selected, "ceiling: HTTP only, " + label(delay))) {
                results.add(ceilings.http(plan.httpRequests(), delay));
            }
        }
        stack.receiver.delay(Duration.ZERO);
        if (wanted(selected, "ceiling: Kafka only, -")) {
            results.add(ceilings.kafka(plan.kafkaRecords()));
        }
        results.addAll(new IngestLoad(stack).run(plan, label -> wanted(selected, label)));
        for (Duration delay : List.of(Duration.ZERO, REALISTIC)) {
            stack.receiver.delay(delay);
            String receiverLabel = ", " + label(delay);
            if (wanted(selected, "herald fan-out 1" + receiverLabel)) {
                results.add(herald("herald fan-out 1", 50, 1, plan.fanOutOneEvents(), Faulty.NONE, delay));
            }
            // Isolation is judged against fan-out 10, and single runs of a few seconds move by 20-30 % on 2 cores:
            // the three run in turn, plan.comparedRuns() times, and each reports its median run.
            List<Compared> compared = new ArrayList<>();
            if (wanted(selected, "herald fan-out 10" + receiverLabel)) {
                compared.add(new Compared("herald fan-out 10", Faulty.NONE));
            }
            if (wanted(selected, "isolation: 10% black-holed" + receiverLabel)) {
                compared.add(new Compared("isolation: 10% black-holed", Faulty.BLACK_HOLE));
            }
            if (wanted(selected, "isolation: 10% answer 503" + receiverLabel)) {
                compared.add(new Compared("isolation: 10% answer 503", Faulty.UNAVAILABLE));
            }
            for (int run = 0; run < plan.comparedRuns(); run++) {
                for (Compared scenario : compared) {
                    scenario.runs().add(herald(scenario.name(), 10, 10, plan.fanOutTenEvents(), scenario.faulty(),
                            delay));
                }
            }
            compared.stream().filter(c -> c.faulty() == Faulty.NONE).forEach(c -> results.add(median(c.runs())));
            if (wanted(selected, "naive consumer (sync POST)" + receiverLabel)) {
                results.add(naive.run(delay.isZero() ? plan.naiveEvents() : plan.naiveSlowEvents(), delay));
            }
            compared.stream().filter(c -> c.faulty() != Faulty.NONE).forEach(c -> results.add(median(c.runs())));
        }
        stack.receiver.delay(Duration.ZERO);
        // What grows: webhooks matching one event, and the event's size (at the same number of deliveries).
        for (int fanOut : GROWING_FAN_OUTS) {
            if (wanted(selected, "herald fan-out " + fanOut + ", instant")) {
                results.add(herald("herald fan-out " + fanOut, 1, fanOut, plan.fanOutOneEvents() / fanOut,
                        Faulty.NONE, Duration.ZERO));
            }
        }
        for (int kib : PAYLOAD_KIB) {
            if (wanted(selected, "payload " + kib + " KiB, instant")) {
                // a quarter of fan-out 1's events, an eighth at 64 KiB: runs of seconds, not of their ramp-up
                results.add(herald("payload " + kib + " KiB", 50, 1, plan.fanOutOneEvents() * 16 / kib / 4,
                        Faulty.NONE, Duration.ZERO, kib));
            }
        }
        if (wanted(selected, "scale-out: 2 deliverers, fan-out 10, instant")) {
            stack.deliverers.add(stack.startDeliverer());
            Thread.sleep(15_000); // the group rebalances onto both (their session timeout is 10 s)
            for (int round = 0; round < 2; round++) { // the newcomer compiles its hot paths too
                herald(WARM_UP, 10, 10, plan.fanOutTenEvents() / 2, Faulty.NONE, Duration.ZERO);
            }
            results.add(herald("scale-out: 2 deliverers, fan-out 10", 10, 10, plan.fanOutTenEvents(), Faulty.NONE,
                    Duration.ZERO));
            stack.deliverers.remove(1).close();
        }
        Optional<Double> capacity = results.stream().filter(r -> r.scenario().equals("herald fan-out 1")
                && r.receiver().equals("instant")).findFirst().map(BenchResult::perSecond);
        if (wanted(selected, "steady load at 50% of capacity, instant")) {
            if (capacity.isPresent()) {
                results.add(steady(capacity.get() / 2, plan.steadyFor()));
            } else {
                log("steady load skipped: it needs the instant fan-out 1 run to know the capacity");
            }
        }
        return results;
    }

    /** Whether a scenario's events go through the router and deliverers (which the warm-up is for). */
    private static boolean routes(String label) {
        return !label.startsWith("ceiling") && !label.startsWith("http ingest") && !label.startsWith("java publisher");
    }

    /** Whether to run a scenario; its label must be one that {@code --only} knows of. */
    private static boolean wanted(Predicate<String> selected, String label) {
        if (!BenchOptions.SCENARIOS.contains(label)) {
            throw new IllegalStateException("scenario '" + label + "' is missing from BenchOptions.SCENARIOS");
        }
        return selected.test(label);
    }

    /**
     * Unrecorded passes through everything measured, fan-out 1 repeated until the JIT compilers have mostly done
     * their work (their threads under {@link #JIT_SETTLED_SHARE} of the services' CPU in a round, after at least
     * {@code plan.minWarmUpRounds()}) or {@code plan.maxWarmUpRounds()} rounds or {@code plan.warmUpBudget()}: on 2
     * cores the compilers take a large share of the CPU for the first minutes, and the figures should be those of a
     * service that has been running for a while.
     */
    private void warmUp(BenchPlan plan) throws Exception {
        log("warm-up (not recorded)");
        long deadline = System.nanoTime() + plan.warmUpBudget().toNanos();
        ceilings.http(plan.httpRequests() / 2, Duration.ZERO);
        for (int round = 1; round <= plan.maxWarmUpRounds(); round++) {
            // A tenth of the webhooks failing, black-holed and answering 503 in turn: the deferral and retry paths
            // that the isolation runs take get compiled too, not in the first of their measured runs.
            BenchResult result = herald(WARM_UP, 50, 1, plan.fanOutOneEvents() / 2,
                    round % 2 == 1 ? Faulty.BLACK_HOLE : Faulty.UNAVAILABLE, Duration.ZERO);
            double jitShare = result.cpuMsPerThousandWithoutJit() < 0 ? 0
                    : 1 - result.cpuMsPerThousandWithoutJit() / result.cpuMsPerThousand();
            log("warm-up round %d: %.3f ms CPU per delivery, %.0f%% of it JIT compilation", round,
                    result.cpuMsPerThousand() / 1000, jitShare * 100);
            warmUpRounds = round;
            if (round >= plan.minWarmUpRounds() && (jitShare <= JIT_SETTLED_SHARE || System.nanoTime() > deadline)) {
                break;
            }
        }
        herald(WARM_UP, 10, 10, plan.fanOutTenEvents() / 2, Faulty.NONE, Duration.ZERO);
        naive.run(plan.naiveEvents() / 2, Duration.ZERO);
    }

    /** How many fan-out 1 warm-up rounds ran before the measured scenarios. */
    int warmUpRounds() {
        return warmUpRounds;
    }


    /**
     * After a faulty run: what it held back comes back one {@link #FAULT_SETTLE} after it was deferred. The next
     * run's set-up (new webhooks, a round of events until they are served: 3 s at least) covers the end of that;
     * this waits for the rest, and for the deliverers' counters to be still for a second, at most 15 s.
     */
    private void awaitAftermath() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Thread.sleep(BenchStack.FAULT_SETTLE.minusSeconds(2).toMillis());
        Map<String, Double> last = stack.delivererWork();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            Map<String, Double> now = stack.delivererWork();
            if (now.equals(last)) {
                return;
            }
            last = now;
        }
    }



    /**
     * Events through the producer API, router and deliverer to {@code tenants x fanOut} webhooks; with a faulty
     * mode, every tenth webhook (the first of each tenant at fan-out 10) never answers or answers 503, and only the
     * healthy ones are counted.
     */
    private BenchResult herald(String scenario, int tenants, int fanOut, int events, Faulty faulty, Duration delay)
            throws Exception {
        return herald(scenario, tenants, fanOut, events, faulty, delay, 1);
    }

    /** ... with events of about {@code kib} KiB. */
    private BenchResult herald(String scenario, int tenants, int fanOut, int events, Faulty faulty, Duration delay,
            int kib) throws Exception {
        log("%s, %s receiver: %,d events", scenario, label(delay), events);
        List<CreatedWebhook> webhooks = stack.webhooks("t", tenants, fanOut, faulty);
        List<String> tenantIds = webhooks.stream().map(w -> w.webhook().getTenant()).distinct().toList();
        Map<String, Long> healthyOf = webhooks.stream().filter(BenchStack::healthy).collect(
                Collectors.groupingBy(w -> w.webhook().getTenant(), Collectors.counting()));
        try {
            awaitServed(tenantIds, healthyOf.values().stream().mapToLong(Long::longValue).sum());
            LatencyRecorder recorder = stack.receiver.reset();
            CpuUse cpuBefore = stack.cpuUse();
            stack.resetPeaks();
            Map<String, Double> workBefore = stack.delivererWork();
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                stack.publisher.publish(BenchStack.event(tenantIds.get(i % tenantIds.size()), kib));
            }
            stack.publisher.flush();
            long expected = 0;
            for (int i = 0; i < events; i++) {
                expected += healthyOf.getOrDefault(tenantIds.get(i % tenantIds.size()), 0L);
            }
            awaitCount(recorder, expected, Duration.ofSeconds(60).plusMillis(expected));
            double seconds = (recorder.lastNanos() - start) / 1e9;
            CpuUse cpu = stack.cpuUse().minus(cpuBefore);
            logRun(recorder.count() / seconds, cpu.perThousandWithoutJit(recorder.count()), workBefore,
                    stack.delivererWork());
            stack.samplePeaks();
            return new BenchResult(scenario, label(delay), recorder.count(), recorder.count() / seconds,
                    recorder.percentiles(), cpu.perThousand(recorder.count()),
                    cpu.perThousandWithoutJit(recorder.count()), stack.routerPeakHeapMiB(),
                    stack.delivererPeakHeapMiB());
        } finally {
            stack.delete(webhooks);
            if (faulty != Faulty.NONE && !scenario.equals(WARM_UP)) { // a warm-up's aftermath lands in warm-ups
                awaitAftermath();
            }
        }
    }

    /**
     * Until the router and deliverer know the new webhooks: a round of events (one per tenant, {@code healthy}
     * deliveries), again, until all arrive.
     */
    private void awaitServed(List<String> tenants, long healthy) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        LatencyRecorder recorder = stack.receiver.reset();
        while (recorder.count() < healthy) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the new webhooks were not served within 2 minutes");
            }
            for (String tenant : tenants) {
                stack.publisher.publish(BenchStack.event(tenant));
            }
            stack.publisher.flush();
            Thread.sleep(2_000);
        }
        Thread.sleep(1_000); // stragglers of the last round
    }


    /** A fixed rate at half the measured capacity: the latency an operator sees in normal operation. */
    private BenchResult steady(double rate, Duration duration) throws Exception {
        log("steady load at %.0f events/s (50%% of fan-out 1 capacity) for %d s", rate, duration.toSeconds());
        List<CreatedWebhook> webhooks = stack.webhooks("steady", 50, 1, Faulty.NONE);
        List<String> tenants = webhooks.stream().map(w -> w.webhook().getTenant()).toList();
        try {
            awaitServed(tenants, tenants.size());
            LatencyRecorder recorder = stack.receiver.reset();
            CpuUse cpuBefore = stack.cpuUse();
            stack.resetPeaks();
            long start = System.nanoTime();
            long total = (long) (rate * duration.toMillis() / 1000);
            for (long sent = 0; sent < total; ) {
                long due = (long) (rate * (System.nanoTime() - start) / 1e9);
                for (; sent < Math.min(due, total); sent++) {
                    stack.publisher.publish(BenchStack.event(tenants.get((int) (sent % tenants.size()))));
                }
                Thread.sleep(5);
            }
            stack.publisher.flush();
            awaitCount(recorder, total, Duration.ofSeconds(60));
            double seconds = (recorder.lastNanos() - start) / 1e9;
            CpuUse cpu = stack.cpuUse().minus(cpuBefore);
            stack.samplePeaks();
            return new BenchResult("steady load at 50% of capacity", "instant", recorder.count(),
                    recorder.count() / seconds, recorder.percentiles(), cpu.perThousand(recorder.count()),
                    cpu.perThousandWithoutJit(recorder.count()), stack.routerPeakHeapMiB(),
                    stack.delivererPeakHeapMiB());
        } finally {
            stack.delete(webhooks);
        }
    }







    /**
     * A run's throughput and CPU, and what the deliverers did during it besides the measured deliveries: deferrals,
     * retries, other results.
     */
    private static void logRun(double perSecond, double cpuWithoutJit, Map<String, Double> before,
            Map<String, Double> after) {
        StringBuilder line = new StringBuilder();
        after.forEach((key, value) -> {
            long delta = Math.round(value - before.getOrDefault(key, 0.0));
            if (delta != 0) {
                line.append(line.isEmpty() ? "" : ", ").append(key.replace("herald_", "").replace("_total", ""))
                        .append(' ').append(delta);
            }
        });
        log("    %,.0f deliveries/s, %.0f ms CPU per 1k w/o JIT; deliverers: %s", perSecond, cpuWithoutJit,
                line.isEmpty() ? "nothing counted" : line);
    }



    private static void awaitCount(LatencyRecorder recorder, long expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (recorder.count() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + recorder.count() + " of " + expected
                        + " deliveries arrived within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    static String label(Duration delay) {
        return delay.isZero() ? "instant" : delay.toMillis() + " ms";
    }

    static void log(String format, Object... args) {
        System.out.printf(java.util.Locale.ROOT, "  " + format + "%n", args);
    }

    @Override
    public void close() {
        stack.close();
    }
}
