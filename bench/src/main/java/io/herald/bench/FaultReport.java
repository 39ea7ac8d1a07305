package io.herald.bench;

import io.herald.bench.FaultRun.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link FaultRun} cost: deliveries lost and duplicated (counted by {@code webhook-id} at the receiver), each
 * fault's recovery time (from the kill until every delivery arrives on time again), the catch-up rate after each, the
 * deliverers' deferrals, and every answer ingest gave.
 */
record FaultReport(FaultRun.Plan plan, long events, long expected, long received, long lost, long unexpected,
        long duplicates,
        List<Recovery> recoveries, Map<String, Long> ingestAnswers, long givenUp, Map<String, Double> delivererWork,
        List<String> lostExamples) {

    /** A delivery later than this after its event's timestamp is late: normal runs stay well under it. */
    static final Duration LATE = Duration.ofSeconds(1);
    /**
     * A delivery this late was held up by the fault itself (its partition unowned, its event unrouted): the first such
     * arrival after a kill is when the backlog flows again. Normal deliveries, even on a starved machine, are sooner.
     */
    static final Duration HELD_UP = Duration.ofSeconds(3);
    /** The targets: partitions of a killed deliverer move within 10 s, a killed router routes within 15 s. */
    static final Map<Fault.Kind, Duration> TARGETS = Map.of(Fault.Kind.DELIVERER, Duration.ofSeconds(10),
            Fault.Kind.ROUTER, Duration.ofSeconds(15));
    /** The catch-up after a deliverer kill the issue asks for, as a share of the run's steady catch-up. */
    static final double CATCH_UP_TARGET = 0.7;
    /** Duplicates the issue accepts, as a share of deliveries. */
    static final double DUPLICATES_TARGET = 0.005;
    /** Deferrals of healthy webhooks ("saturated") the issue accepts, as a share of deliveries. */
    static final double SATURATED_TARGET = 0.05;

    /**
     * One fault's cost: {@code flowingAfter} from the kill until deliveries flow again (zero if none were held up): for
     * a deliverer (or the pause), the first delivery held up by it; for the router or the broker, which hold up every
     * event sent after the kill, the first delivery of such an event;
     * {@code recoveredAfter} to the last late delivery before the next fault (zero if none was late);
     * {@code catchUpPerSecond} the deliveries per second that arrived from the first held-up one until the last late
     * one.
     */
    record Recovery(Fault fault, double atSeconds, Duration downFor, Duration flowingAfter, Duration recoveredAfter,
            long lateDeliveries, double catchUpPerSecond) {
    }

    static FaultReport of(FaultRun.Plan plan, long start, Map<String, List<String>> expectedOf,
            Map<String, Integer> arrivals, List<long[]> timeline, List<Fault> faults, Map<String, Long> answers,
            long givenUp, Map<String, Double> work) {
        Set<String> expectedIds = new HashSet<>();
        expectedOf.values().forEach(expectedIds::addAll);
        long received = 0;
        long duplicates = 0;
        long unexpected = 0;
        for (Map.Entry<String, Integer> arrival : arrivals.entrySet()) {
            if (expectedIds.contains(arrival.getKey())) {
                received++;
                duplicates += arrival.getValue() - 1;
            } else {
                unexpected += arrival.getValue();
            }
        }
        List<String> lostExamples = expectedIds.stream().filter(id -> !arrivals.containsKey(id)).limit(5).toList();
        List<long[]> byArrival = new ArrayList<>(timeline);
        byArrival.sort((a, b) -> Long.compare(a[0], b[0]));
        List<Recovery> recoveries = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            Fault fault = faults.get(i);
            long windowEnd = i + 1 < faults.size() ? faults.get(i + 1).killedAt() : Long.MAX_VALUE;
            long firstHeldUp = -1;
            long lastLate = -1;
            long late = 0;
            for (long[] arrival : byArrival) {
                if (arrival[0] < fault.killedAt() || arrival[0] >= windowEnd) {
                    continue;
                }
                boolean heldUp = holdsUpEverything(fault.kind()) ? arrival[0] - arrival[1] > fault.killedAt()
                        : arrival[1] > HELD_UP.toMillis();
                if (firstHeldUp < 0 && heldUp) {
                    firstHeldUp = arrival[0];
                }
                if (arrival[1] > LATE.toMillis()) {
                    lastLate = arrival[0];
                    late++;
                }
            }
            long caughtUp = 0;
            if (firstHeldUp >= 0 && lastLate > firstHeldUp) {
                for (long[] arrival : byArrival) {
                    if (arrival[0] >= firstHeldUp && arrival[0] <= lastLate) {
                        caughtUp++;
                    }
                }
            }
            recoveries.add(new Recovery(fault, (fault.killedAt() - start) / 1000.0,
                    Duration.ofMillis(fault.backAt() - fault.killedAt()),
                    Duration.ofMillis(firstHeldUp < 0 ? 0 : firstHeldUp - fault.killedAt()),
                    Duration.ofMillis(lastLate < 0 ? 0 : lastLate - fault.killedAt()), late,
                    firstHeldUp >= 0 && lastLate > firstHeldUp ? caughtUp * 1000.0 / (lastLate - firstHeldUp) : 0));
        }
        return new FaultReport(plan, expectedOf.size(), expectedIds.size(), received, expectedIds.size() - received,
                unexpected,
                duplicates, List.copyOf(recoveries), Map.copyOf(answers), givenUp, Map.copyOf(work), lostExamples);
    }

    /** Whether no event sent after such a fault can be delivered until the part is back: it routes every event. */
    private static boolean holdsUpEverything(Fault.Kind kind) {
        return kind == Fault.Kind.ROUTER || kind == Fault.Kind.BROKER;
    }

    /** Duplicates above this share fail the run (the target is {@link #DUPLICATES_TARGET}; timing moves them). */
    static final double DUPLICATES_LIMIT = 0.01;

    /**
     * What fails the run: a delivery lost or not owed, an answer other than 2xx or 503, duplicates past the limit, a
     * fault left out. Empty when none.
     */
    List<String> failures() {
        List<String> failures = new ArrayList<>();
        if (lost > 0) {
            failures.add(lost + " deliveries lost");
        }
        if (unexpected > 0) {
            failures.add(unexpected + " deliveries no accepted event owed");
        }
        if (unexpectedAnswers() > 0) {
            failures.add(unexpectedAnswers() + " answers of ingest other than 2xx and 503");
        }
        if (duplicateShare() > DUPLICATES_LIMIT) {
            failures.add(String.format(Locale.ROOT, "duplicates %.2f%% > %.0f%%", duplicateShare() * 100,
                    DUPLICATES_LIMIT * 100));
        }
        if (recoveries.size() < plan.faults().size()) {
            failures.add((plan.faults().size() - recoveries.size()) + " faults not carried out");
        }
        return failures;
    }

    double duplicateShare() {
        return expected == 0 ? 0 : (double) duplicates / expected;
    }

    /** Deliveries to healthy webhooks that took the retry path unsent because their deliverer was busy. */
    long saturatedDeferrals() {
        return Math.round(delivererWork.getOrDefault("herald_deferrals_total saturated", 0.0));
    }

    double saturatedShare() {
        return expected == 0 ? 0 : (double) saturatedDeferrals() / expected;
    }

    /**
     * How fast a backlog drains with nothing broken: the catch-up after the deliverers' pause (zero when the run had
     * none, or it left no backlog).
     */
    double steadyCatchUp() {
        return recoveries.stream().filter(recovery -> recovery.fault().kind() == Fault.Kind.PAUSE)
                .mapToDouble(Recovery::catchUpPerSecond).findFirst().orElse(0);
    }

    /** Answers of ingest other than 2xx and 503 (with Retry-After, what a dependency outage must answer). */
    long unexpectedAnswers() {
        return ingestAnswers.entrySet().stream().filter(e -> !e.getKey().startsWith("2") && !e.getKey().equals("503"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    String table() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "## Fault run: %,d events over HTTP at %,d/s, %d of %d faults%n%n",
                events, plan.eventsPerSecond(), recoveries.size(), plan.faults().size()));
        text.append(String.format(Locale.ROOT, "| deliveries expected | arrived | lost | duplicates | unexpected |%n"));
        text.append("|---:|---:|---:|---:|---:|\n");
        text.append(String.format(Locale.ROOT, "| %,d | %,d | %,d | %,d (%.2f%%, target ≤ %.1f%%: %s) | %,d |%n%n",
                expected, received, lost, duplicates, duplicateShare() * 100, DUPLICATES_TARGET * 100,
                duplicateShare() <= DUPLICATES_TARGET ? "met" : "MISSED", unexpected));
        text.append("| fault | at | back after | flowing again after | target | on time again after "
                + "| late deliveries | catch-up | of steady catch-up |\n");
        text.append("|---|---:|---:|---:|---|---:|---:|---:|---|\n");
        double steady = steadyCatchUp();
        for (Recovery recovery : recoveries) {
            Fault.Kind kind = recovery.fault().kind();
            Duration target = TARGETS.get(kind);
            String ofSteady = "-";
            if (kind == Fault.Kind.PAUSE) {
                ofSteady = "the reference";
            } else if (steady > 0 && recovery.catchUpPerSecond() > 0) {
                double share = recovery.catchUpPerSecond() / steady;
                ofSteady = String.format(Locale.ROOT, "%.0f%%", share * 100) + (kind != Fault.Kind.DELIVERER ? ""
                        : String.format(Locale.ROOT, " (target ≥ %.0f%%: %s)", CATCH_UP_TARGET * 100,
                                share >= CATCH_UP_TARGET ? "met" : "MISSED"));
            }
            text.append(String.format(Locale.ROOT,
                    "| %s %s %s | %.1f s | %.1f s | %.1f s | %s | %.1f s | %,d | %s | %s |%n",
                    kind.name().toLowerCase(Locale.ROOT), recovery.fault().target(),
                    kind == Fault.Kind.PAUSE ? "paused" : "killed",
                    recovery.atSeconds(), recovery.downFor().toMillis() / 1000.0,
                    recovery.flowingAfter().toMillis() / 1000.0,
                    target == null ? "-" : "≤ " + target.toSeconds() + " s: "
                            + (recovery.flowingAfter().compareTo(target) <= 0 ? "met" : "MISSED"),
                    recovery.recoveredAfter().toMillis() / 1000.0, recovery.lateDeliveries(),
                    recovery.catchUpPerSecond() > 0 ? String.format(Locale.ROOT, "%,.0f/s",
                            recovery.catchUpPerSecond()) : "-", ofSteady));
        }
        text.append(String.format(Locale.ROOT, "%nDeliverers: %s. Saturated deferrals %,d (%.1f%% of deliveries, "
                        + "target ≤ %.0f%%: %s).%n", work(), saturatedDeferrals(), saturatedShare() * 100,
                SATURATED_TARGET * 100, saturatedShare() <= SATURATED_TARGET ? "met" : "MISSED"));
        text.append(String.format(Locale.ROOT, "Ingest answered: %s; batches given up: %,d events; answers other than "
                + "2xx and 503: %,d.%n", ingestAnswers, givenUp, unexpectedAnswers()));
        if (lost > 0) {
            text.append("Lost, for example: ").append(lostExamples).append('\n');
        }
        List<String> failures = failures();
        text.append(failures.isEmpty() ? "\nPassed: nothing lost, nothing unowed, no 5xx but 503, duplicates under "
                + Math.round(DUPLICATES_LIMIT * 100) + "%, every fault carried out.\n"
                : "\nFAILED: " + String.join("; ", failures) + ".\n");
        return text.toString();
    }

    private String work() {
        StringBuilder line = new StringBuilder();
        delivererWork.forEach((key, value) -> {
            long count = Math.round(value);
            if (count != 0) {
                line.append(line.isEmpty() ? "" : ", ").append(key.replace("herald_", "").replace("_total", ""))
                        .append(' ').append(count);
            }
        });
        return line.isEmpty() ? "nothing counted" : line.toString();
    }
}
