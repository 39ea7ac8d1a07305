package io.herald.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/** The benchmark's table (Markdown, for the README too), its JSON and its chart, and the targets' verdicts. */
final class BenchReport {

    /** In the isolation runs one webhook in ten is faulty; the others are compared with the same ones unharmed. */
    static final double ISOLATION_HEALTHY_SHARE = 0.9;

    private BenchReport() {
    }

    static String table(List<BenchResult> results, BenchPlan plan, double minutes, int warmUpRounds) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "Herald benchmark (%s run, %.1f min, measured after %d warm-up "
                        + "round%s%s) on %d cores, %s, Java %s%n%n", plan.name(), minutes, warmUpRounds,
                warmUpRounds == 1 ? "" : "s", plan.comparedRuns() > 1 ? "; fan-out 10 and isolation: median of "
                        + plan.comparedRuns() + " runs in turn" : "",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                System.getProperty("java.version")));
        table.append("| scenario | receiver | deliveries | per second | of lower ceiling | x naive | p50 ms | p95 ms "
                + "| p99 ms | max ms | CPU ms / 1k | CPU ms / 1k w/o JIT | router heap MiB | deliverer heap MiB |\n");
        table.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchResult r : results) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.scenario(), r.receiver(), r.deliveries(), r.perSecond(),
                    herald(r) ? lowerCeiling(results, r.receiver()).map(c -> percent(r.perSecond() / c)).orElse("") : "",
                    herald(r) ? times(naive(results, r.receiver()).map(n -> r.perSecond() / n)) : "",
                    r.latency() == null ? "" : r.latency().p50(), r.latency() == null ? "" : r.latency().p95(),
                    r.latency() == null ? "" : r.latency().p99(), r.latency() == null ? "" : r.latency().max(),
                    r.cpuMsPerThousand() < 0 ? "" : String.format(Locale.ROOT, "%.0f", r.cpuMsPerThousand()),
                    r.cpuMsPerThousandWithoutJit() < 0 ? ""
                            : String.format(Locale.ROOT, "%.0f", r.cpuMsPerThousandWithoutJit()),
                    r.routerHeapMb() < 0 ? "" : r.routerHeapMb(), r.delivererHeapMb() < 0 ? "" : r.delivererHeapMb()));
        }
        table.append("\nTargets:\n");
        verdicts(results).forEach(line -> table.append("- ").append(line).append('\n'));
        return table.toString();
    }

    /** Each target of issue [F], met or missed, with the figures it was judged on. */
    static List<String> verdicts(List<BenchResult> results) {
        List<String> verdicts = new ArrayList<>();
        find(results, "herald fan-out 1", "instant").ifPresent(e2e -> {
            find(results, "ceiling: HTTP only", "instant").map(BenchResult::perSecond).ifPresent(http ->
                    verdicts.add(verdict(e2e.perSecond() >= 0.5 * http, String.format(Locale.ROOT,
                            "instant receiver: %.0f/s is %s of the HTTP ceiling (target >= 50%%)", e2e.perSecond(),
                            percent(e2e.perSecond() / http)))));
            naive(results, "instant").ifPresent(n -> verdicts.add(verdict(e2e.perSecond() >= 2 * n,
                    String.format(Locale.ROOT, "instant receiver: %.1fx the naive consumer (target >= 2x)",
                            e2e.perSecond() / n))));
            if (e2e.cpuMsPerThousandWithoutJit() >= 0) { // a long-running service's cost, the warm-up's quoted
                verdicts.add(verdict(e2e.cpuMsPerThousandWithoutJit() <= 150, String.format(Locale.ROOT,
                        "CPU of router + deliverer: %.3f ms per delivery without JIT compilation (%.3f ms with it) "
                                + "(target <= 0.15 ms)", e2e.cpuMsPerThousandWithoutJit() / 1000,
                        e2e.cpuMsPerThousand() / 1000)));
            } else {
                verdicts.add(verdict(e2e.cpuMsPerThousand() <= 150, String.format(Locale.ROOT,
                        "CPU of router + deliverer: %.3f ms per delivery (target <= 0.15 ms)",
                        e2e.cpuMsPerThousand() / 1000)));
            }
        });
        find(results, "herald fan-out 1", "50 ms").ifPresent(e2e -> naive(results, "50 ms").ifPresent(n ->
                verdicts.add(verdict(e2e.perSecond() >= 50 * n, String.format(Locale.ROOT,
                        "50 ms receiver: %.0fx the naive consumer (target >= 50x)", e2e.perSecond() / n)))));
        find(results, "steady load at 50% of capacity", "instant").ifPresent(steady -> verdicts.add(verdict(
                steady.latency().p99() < 250, String.format(Locale.ROOT,
                        "p99 event-to-receipt at 50%% load: %d ms (target < 250 ms)", steady.latency().p99()))));
        find(results, IngestLoad.SINGLE, "-").ifPresent(single -> verdicts.add(verdict(single.perSecond() >= 2_000
                && single.latency().p99() <= 50, String.format(Locale.ROOT, "HTTP ingest, one event per POST from %d "
                        + "clients: %.0f requests/s (target >= 2,000) with p99 %d ms (target <= 50 ms)",
                IngestLoad.SINGLE_CLIENTS, single.perSecond(), single.latency().p99()))));
        find(results, IngestLoad.BATCHED, "-").ifPresent(batched -> find(results, IngestLoad.PUBLISHER, "-")
                .ifPresent(publisher -> verdicts.add(verdict(batched.perSecond() >= 0.5 * publisher.perSecond(),
                        String.format(Locale.ROOT, "HTTP ingest, batches of %d: %.0f events/s is %s of the Java "
                                        + "publisher's %.0f/s (target >= 50%%)", IngestLoad.BATCH_SIZE,
                                batched.perSecond(), percent(batched.perSecond() / publisher.perSecond()),
                                publisher.perSecond())))));
        for (String receiver : List.of("instant", "50 ms")) {
            Optional<BenchResult> base = find(results, "herald fan-out 10", receiver);
            Optional<BenchResult> holed = find(results, "isolation: 10% black-holed", receiver);
            if (base.isPresent() && holed.isPresent()) {
                // The same webhooks' share of the healthy run: the black-holed tenth got deliveries there too.
                double kept = holed.get().perSecond() / (base.get().perSecond() * ISOLATION_HEALTHY_SHARE);
                double p99 = (double) holed.get().latency().p99() / Math.max(1, base.get().latency().p99());
                verdicts.add(verdict(kept >= 0.9 && p99 <= 2, String.format(Locale.ROOT,
                        "%s receiver, 10%% black-holed: healthy webhooks keep %s of their throughput (target >= 90%%) "
                                + "and p99 x%.2f (target <= 2x)", receiver, percent(kept), p99)));
            }
        }
        return verdicts;
    }

    static void writeJson(List<BenchResult> results, BenchPlan plan, double minutes, int warmUpRounds, Path file)
            throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("plan", plan.name());
        document.put("minutes", minutes);
        document.put("warmUpRounds", warmUpRounds);
        document.put("comparedRuns", plan.comparedRuns());
        document.put("cores", Runtime.getRuntime().availableProcessors());
        document.put("java", System.getProperty("java.version"));
        document.put("results", results);
        document.put("targets", verdicts(results));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), document);
    }

    /** Deliveries per second of every row, as horizontal bars (log scale: the naive 50 ms row is tiny). */
    static void writeChart(List<BenchResult> results, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int rowHeight = 26;
        int left = 380;
        int width = 1100;
        int height = 60 + rowHeight * results.size();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Deliveries (events, records) per second, log scale", 10, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        double max = results.stream().mapToDouble(BenchResult::perSecond).max().orElse(1);
        double logMax = Math.log10(Math.max(10, max));
        for (int i = 0; i < results.size(); i++) {
            BenchResult r = results.get(i);
            int y = 40 + i * rowHeight;
            g.setColor(Color.DARK_GRAY);
            g.drawString(r.scenario() + " (" + r.receiver() + ")", 10, y + 15);
            int bar = (int) ((width - left - 90) * Math.max(0, Math.log10(Math.max(1, r.perSecond()))) / logMax);
            g.setColor(r.scenario().startsWith("ceiling") ? new Color(150, 150, 150)
                    : r.scenario().startsWith("naive") ? new Color(200, 90, 70) : new Color(60, 110, 190));
            g.fillRect(left, y + 3, Math.max(1, bar), rowHeight - 8);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%,.0f", r.perSecond()), left + bar + 6, y + 15);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static boolean herald(BenchResult r) {
        return !r.scenario().startsWith("ceiling") && !r.scenario().startsWith("naive")
                && !r.scenario().startsWith("http ingest") && !r.scenario().startsWith("java publisher");
    }

    /** The lower of the ceilings measured in the run (none when neither was). */
    private static Optional<Double> lowerCeiling(List<BenchResult> results, String receiver) {
        return java.util.stream.Stream.of(find(results, "ceiling: HTTP only", receiver),
                        find(results, "ceiling: Kafka only", "-"))
                .flatMap(Optional::stream).map(BenchResult::perSecond).min(Double::compare);
    }

    private static Optional<Double> naive(List<BenchResult> results, String receiver) {
        return find(results, "naive consumer (sync POST)", receiver).map(BenchResult::perSecond);
    }

    private static Optional<BenchResult> find(List<BenchResult> results, String scenario, String receiver) {
        return results.stream().filter(r -> r.scenario().equals(scenario) && r.receiver().equals(receiver))
                .findFirst();
    }

    private static String verdict(boolean met, String text) {
        return (met ? "met: " : "MISSED: ") + text;
    }

    /** Whole percent, rounded down: 89.5% against a 90% target must not read as 90%. */
    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", Math.floor(ratio * 100 + 1e-9));
    }

    private static String times(Optional<Double> ratio) {
        return ratio.map(r -> String.format(Locale.ROOT, "%.1fx", r)).orElse("");
    }
}
