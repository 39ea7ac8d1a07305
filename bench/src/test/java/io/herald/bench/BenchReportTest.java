package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    private static final LatencyRecorder.Percentiles FAST = new LatencyRecorder.Percentiles(40, 90, 120, 150);
    private static final LatencyRecorder.Percentiles SLOWER = new LatencyRecorder.Percentiles(60, 150, 300, 400);

    private final List<BenchResult> results = List.of(
            BenchResult.rate("ceiling: HTTP only", "instant", 1000, 10_000),
            BenchResult.rate("ceiling: HTTP only", "50 ms", 1000, 8_000),
            BenchResult.rate("ceiling: Kafka only", "-", 1000, 40_000),
            new BenchResult("herald fan-out 1", "instant", 1000, 6_000, FAST, 180, 120, 100, 90),
            BenchResult.rate("naive consumer (sync POST)", "instant", 100, 2_000),
            new BenchResult("herald fan-out 1", "50 ms", 1000, 900, FAST, 100, -1, 100, 90),
            BenchResult.rate("naive consumer (sync POST)", "50 ms", 20, 19),
            new BenchResult("herald fan-out 10", "instant", 1000, 5_000, FAST, 80, 60, 100, 90),
            new BenchResult("isolation: 10% black-holed", "instant", 900, 4_000, SLOWER, 90, 70, 100, 90),
            new BenchResult("steady load at 50% of capacity", "instant", 500, 3_000, FAST, 130, 100, 100, 90));

    @Test
    void judgesEachTargetOnTheFiguresOfTheSameRun() {
        assertThat(BenchReport.verdicts(results)).containsExactly(
                "met: instant receiver: 6000/s is 60% of the HTTP ceiling (target >= 50%)",
                "met: instant receiver: 3.0x the naive consumer (target >= 2x)",
                "met: CPU of router + deliverer: 0.120 ms per delivery without JIT compilation (0.180 ms with it) "
                        + "(target <= 0.15 ms)",
                "MISSED: 50 ms receiver: 47x the naive consumer (target >= 50x)",
                "met: p99 event-to-receipt at 50% load: 120 ms (target < 250 ms)",
                "MISSED: instant receiver, 10% black-holed: healthy webhooks keep 88% of their throughput "
                        + "(target >= 90%) and p99 x2.50 (target <= 2x)");
    }

    @Test
    void judgesHttpIngestOnItsRequestRateAndLatencyAndOnThePublishersRateOfTheSameRun() {
        List<BenchResult> ingest = List.of(
                new BenchResult(IngestLoad.PUBLISHER, "-", 100_000, 20_000, FAST, -1, -1, -1, -1),
                new BenchResult(IngestLoad.SINGLE, "-", 20_000, 2_400, new LatencyRecorder.Percentiles(9, 30, 61, 90),
                        300, 250, -1, -1),
                new BenchResult(IngestLoad.BATCHED, "-", 100_000, 11_000, FAST, 40, 30, -1, -1));

        assertThat(BenchReport.verdicts(ingest)).containsExactly(
                "MISSED: HTTP ingest, one event per POST from 32 clients: 2400 requests/s (target >= 2,000) with p99 "
                        + "61 ms (target <= 50 ms)",
                "met: HTTP ingest, batches of 50: 11000 events/s is 55% of the Java publisher's 20000/s (target >= "
                        + "50%)");
        assertThat(BenchReport.table(ingest, BenchPlan.FULL, 1, 1)).contains(
                "| http ingest: 1 event per POST, 32 clients | - | 20,000 | 2,400 |  |  | 9 | 30 | 61 | 90 | 300 | 250 "
                        + "|  |  |");
    }

    @Test
    void percentagesRoundDownSoAMissNeverReadsAsTheTarget() {
        assertThat(BenchReport.percent(0.8952)).isEqualTo("89%");
        assertThat(BenchReport.percent(0.9)).isEqualTo("90%");
        assertThat(BenchReport.percent(0.29)).isEqualTo("29%");
    }

    @Test
    void repeatedRunsReportTheirMedianRun() {
        BenchResult slow = BenchResult.rate("herald fan-out 10", "instant", 1_000, 3_000);
        BenchResult middle = BenchResult.rate("herald fan-out 10", "instant", 1_000, 5_000);
        BenchResult fast = BenchResult.rate("herald fan-out 10", "instant", 1_000, 9_000);

        assertThat(BenchRun.median(List.of(fast, slow, middle))).isSameAs(middle);
        assertThat(BenchRun.median(List.of(fast, slow))).isSameAs(slow);
        assertThat(BenchRun.median(List.of(fast))).isSameAs(fast);
    }

    @Test
    void theTableGivesRatiosToTheLowerCeilingAndTheNaiveConsumer() {
        String table = BenchReport.table(results, BenchPlan.QUICK, 1.5, 3);
        assertThat(table).contains("| herald fan-out 1 | instant | 1,000 | 6,000 | 60% | 3.0x | 40 | 90 | 120 | 150 "
                + "| 180 | 120 | 100 | 90 |");
        assertThat(table).contains("| herald fan-out 1 | 50 ms | 1,000 | 900 | 11% | 47.4x |");
        assertThat(table).contains("| ceiling: Kafka only | - | 1,000 | 40,000 |  |  |");
        assertThat(table).contains("(quick run, 1.5 min, measured after 3 warm-up rounds)");
    }

    @Test
    void aPartialRunLeavesOutTheRatiosAndTargetsItHasNoFiguresFor() {
        List<BenchResult> fanOutOnly = results.stream().filter(r -> r.scenario().equals("herald fan-out 1")).toList();

        assertThat(BenchReport.table(fanOutOnly, BenchPlan.FULL, 1, 1))
                .contains("| herald fan-out 1 | instant | 1,000 | 6,000 |  |  | 40 |")
                .contains("measured after 1 warm-up round; fan-out 10 and isolation: median of 3 runs in turn)");
        assertThat(BenchReport.verdicts(fanOutOnly)).containsExactly(
                "met: CPU of router + deliverer: 0.120 ms per delivery without JIT compilation (0.180 ms with it) "
                        + "(target <= 0.15 ms)");
    }

    @Test
    void judgesTheCpuTargetOnTheWholeCostWhenTheJitShareIsUnknown() {
        List<BenchResult> withoutSplit = List.of(
                new BenchResult("herald fan-out 1", "instant", 1000, 6_000, FAST, 180, -1, 100, 90));

        assertThat(BenchReport.verdicts(withoutSplit)).containsExactly(
                "MISSED: CPU of router + deliverer: 0.180 ms per delivery (target <= 0.15 ms)");
    }

    @Test
    void writesJsonAndAChart(@TempDir Path out) throws Exception {
        BenchReport.writeJson(results, BenchPlan.QUICK, 1.5, 3, out.resolve("results.json"));
        BenchReport.writeChart(results, out.resolve("results.png"));
        assertThat(Files.readString(out.resolve("results.json"))).contains("\"plan\" : \"quick\"",
                "\"scenario\" : \"herald fan-out 10\"", "\"targets\"", "\"warmUpRounds\" : 3", "\"comparedRuns\" : 1");
        assertThat(ImageIO.read(out.resolve("results.png").toFile()).getHeight()).isGreaterThan(results.size() * 20);
    }
}
