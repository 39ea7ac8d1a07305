package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.bench.FaultRun.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultReportTest {

    private static final long START = 1_000_000;

    @Test
    void countsLostDuplicatedAndUnexpectedDeliveriesByTheirWebhookId() {
        Map<String, List<String>> expected = Map.of("evt_1", List.of("msg_a", "msg_b"), "evt_2", List.of("msg_c"));
        Map<String, Integer> arrivals = Map.of("msg_a", 1, "msg_b", 3, "msg_z", 2);

        FaultReport report = FaultReport.of(FaultRun.Plan.CI, START, expected, arrivals, List.of(), List.of(),
                Map.of("200", 10L, "503", 2L, "500", 1L), 0, Map.of("herald_deferrals_total saturated", 1.0));

        assertThat(report.expected()).isEqualTo(3);
        assertThat(report.received()).isEqualTo(2);
        assertThat(report.lost()).isEqualTo(1);
        assertThat(report.lostExamples()).containsExactly("msg_c");
        assertThat(report.duplicates()).isEqualTo(2);
        assertThat(report.unexpected()).as("deliveries no accepted event owed").isEqualTo(2);
        assertThat(report.unexpectedAnswers()).as("the 500").isEqualTo(1);
        assertThat(report.saturatedDeferrals()).isEqualTo(1);
        assertThat(report.table()).contains("| 3 | 2 | 1 | 2 (66.67%, target ≤ 0.5%: MISSED) | 2 |");
        assertThat(report.failures()).containsExactly("1 deliveries lost", "2 deliveries no accepted event owed",
                "1 answers of ingest other than 2xx and 503", "duplicates 66.67% > 1%", "5 faults not carried out");
    }

    @Test
    void aRunWithNothingLostAndEveryFaultCarriedOutPasses() {
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < FaultRun.Plan.CI.faults().size(); i++) {
            faults.add(new Fault(Fault.Kind.DELIVERER, "deliverer-1", START + i * 1000, START + i * 1000 + 500));
        }
        FaultReport report = FaultReport.of(FaultRun.Plan.CI, START, Map.of("evt_1", List.of("msg_a")),
                Map.of("msg_a", 1), List.of(), faults, Map.of("200", 1L, "503", 4L), 0, Map.of());

        assertThat(report.failures()).isEmpty();
        assertThat(report.table()).contains("Passed: nothing lost");
    }

    @Test
    void aFaultIsOverWithItsLastLateDeliveryBeforeTheNextFault() {
        Fault deliverer = new Fault(Fault.Kind.DELIVERER, "deliverer-1", START + 10_000, START + 15_000);
        Fault router = new Fault(Fault.Kind.ROUTER, "router", START + 40_000, START + 41_000);
        List<long[]> timeline = new ArrayList<>();
        timeline.add(new long[] {START + 5_000, 2_000}); // late, but before any fault
        timeline.add(new long[] {START + 12_000, 100});
        timeline.add(new long[] {START + 16_000, 4_000});
        timeline.add(new long[] {START + 18_000, 3_000}); // the deliverer's last late one: 8 s after the kill
        timeline.add(new long[] {START + 20_000, 50});
        timeline.add(new long[] {START + 42_000, 3_000}); // sent before the router's kill: not yet a sign it routes
        timeline.add(new long[] {START + 45_000, 50}); // sent 4.95 s after the kill, routed: the router is back

        FaultReport report = FaultReport.of(FaultRun.Plan.CI, START, Map.of(), Map.of(), timeline,
                List.of(deliverer, router), Map.of(), 0, Map.of());

        FaultReport.Recovery first = report.recoveries().get(0);
        assertThat(first.flowingAfter()).as("the first delivery it held up (over 3 s late) came 6 s after the kill")
                .isEqualTo(Duration.ofSeconds(6));
        assertThat(first.recoveredAfter()).isEqualTo(Duration.ofSeconds(8));
        assertThat(first.lateDeliveries()).isEqualTo(2);
        assertThat(first.downFor()).isEqualTo(Duration.ofSeconds(5));
        assertThat(first.catchUpPerSecond()).as("2 deliveries from the first held-up one (16 s) to the last late one "
                + "(18 s)").isEqualTo(1.0);
        assertThat(report.recoveries().get(1).recoveredAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(report.recoveries().get(1).flowingAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(report.table()).contains("| deliverer deliverer-1 killed | 10.0 s | 5.0 s | 6.0 s | ≤ 10 s: met "
                + "| 8.0 s | 2 | 1/s |", "| router router killed | 40.0 s | 1.0 s | 5.0 s | ≤ 15 s: met | 2.0 s | 1 "
                + "| - |");
    }

    @Test
    void aFlowThatResumesLaterThanTheTargetIsMissed() {
        Fault deliverer = new Fault(Fault.Kind.DELIVERER, "deliverer-2", START, START + 30_000);
        List<long[]> timeline = List.of(new long[] {START + 1_000, 1_500}, // late, not held up: the machine's noise
                new long[] {START + 12_000, 11_000});

        FaultReport report = FaultReport.of(FaultRun.Plan.CI, START, Map.of(), Map.of(), timeline,
                List.of(deliverer), Map.of(), 0, Map.of());

        assertThat(report.recoveries().get(0).flowingAfter()).isEqualTo(Duration.ofSeconds(12));
        assertThat(report.table()).contains("| 12.0 s | ≤ 10 s: MISSED |");
    }

    @Test
    void theCatchUpAfterADelivererKillIsComparedWithTheCatchUpAfterThePause() {
        Fault pause = new Fault(Fault.Kind.PAUSE, "deliverers", START, START + 4_000);
        Fault deliverer = new Fault(Fault.Kind.DELIVERER, "deliverer-1", START + 20_000, START + 40_000);
        List<long[]> timeline = new ArrayList<>();
        for (int i = 0; i <= 10; i++) { // 11 deliveries over 1 s after the pause, the first ones held up 4 s
            timeline.add(new long[] {START + 4_000 + i * 100, 4_000 - i * 300});
        }
        for (int i = 0; i <= 10; i++) { // 11 over 2 s after the kill: half as fast
            timeline.add(new long[] {START + 28_000 + i * 200, 8_000 - i * 700});
        }

        FaultReport report = FaultReport.of(FaultRun.Plan.CI, START, Map.of(), Map.of(), timeline,
                List.of(pause, deliverer), Map.of(), 0, Map.of());

        assertThat(report.steadyCatchUp()).isEqualTo(10.0 / 0.9 * 1.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(report.table()).contains("| pause deliverers paused | 0.0 s | 4.0 s |", "| the reference |",
                "| deliverer deliverer-1 killed | 20.0 s | 20.0 s | 8.0 s | ≤ 10 s: met |",
                "(target ≥ 70%: MISSED) |");
    }

    @Test
    void theTimelineCountsArrivalsAndCpuSecondBySecondAndMarksTheFaults() {
        Fault router = new Fault(Fault.Kind.ROUTER, "router", START + 1_200, START + 2_500);
        List<long[]> arrivals = List.of(new long[] {START + 100, 20}, new long[] {START + 900, 1_500},
                new long[] {START + 2_100, 4_000});
        List<long[]> cpu = List.of(new long[] {START + 1_000, 300, 0, 100, 0}, new long[] {START + 2_000, 250, 40,
                0, 20}, new long[] {START + 3_000, 10, 900, 0, 600});

        String csv = FaultTimeline.csv(START, arrivals, List.of(router), List.of("ingest", "router"), cpu);

        assertThat(csv).isEqualTo("""
                second,arrived,late,max_latency_ms,cpu_ms_ingest,cpu_ms_router,jit_ms_ingest,jit_ms_router,fault
                0,2,1,1500,300,0,100,0,
                1,0,0,0,250,40,0,20,router killed
                2,1,1,4000,10,900,0,600,router back
                """);
    }
}
