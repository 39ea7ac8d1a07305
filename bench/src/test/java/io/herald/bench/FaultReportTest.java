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
                "1 answers of ingest other than 2xx and 503", "duplicates 66.67% > 1%", "4 faults not carried out");
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
        timeline.add(new long[] {START + 45_000, 50}); // the router's kill left nothing late

        FaultReport report = FaultReport.of(FaultRun.Plan.CI, START, Map.of(), Map.of(), timeline,
                List.of(deliverer, router), Map.of(), 0, Map.of());

        FaultReport.Recovery first = report.recoveries().get(0);
        assertThat(first.recoveredAfter()).isEqualTo(Duration.ofSeconds(8));
        assertThat(first.lateDeliveries()).isEqualTo(2);
        assertThat(first.downFor()).isEqualTo(Duration.ofSeconds(5));
        assertThat(first.catchUpPerSecond()).as("2 deliveries from its return (15 s) to 18 s").isEqualTo(2 / 3.0);
        assertThat(report.recoveries().get(1).recoveredAfter()).isZero();
        assertThat(report.table()).contains("| deliverer deliverer-1 killed | 10.0 s | 5.0 s | 8.0 s | 2 |",
                "≤ 10 s: met", "| router router killed | 40.0 s | 1.0 s | 0.0 s | 0 | - | ≤ 15 s: met |");
    }
}
