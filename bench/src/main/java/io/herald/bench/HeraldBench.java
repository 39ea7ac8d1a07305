package io.herald.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Herald's capacity benchmark: one command runs every scenario on this machine (broker, router, deliverer and a
 * receiver on loopback) and prints a table, writes {@code results.json} and {@code results.png}.
 *
 * <pre>./herald bench [--quick] [--profile] [--only TEXT] [--out DIR]</pre>
 *
 * {@code --profile} records a JFR file per service (router.jfr, deliverer-1.jfr) in the output directory.
 * {@code --only TEXT} runs just the scenarios whose "scenario, receiver" label contains TEXT (e.g.
 * {@code "fan-out 1, instant"}; {@code "a | b"} for either), to look at one closely. {@code --quick} runs each scenario
 * briefly (CI keeps the harness working with it); the full run takes a few minutes. The figures are this machine's:
 * read the ratios (Herald against the ceilings measured in the same run, and against the naive consumer), not the
 * absolute numbers.
 */
public final class HeraldBench {

    private HeraldBench() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        if (options.profile()) {
            System.setProperty("herald.bench.profile", "true");
        }
        Path out = options.out();
        Files.createDirectories(out);
        BenchPlan plan = options.quick() ? BenchPlan.QUICK : BenchPlan.FULL;
        List<BenchResult> results;
        int warmUpRounds;
        long started = System.nanoTime();
        BenchRun run = BenchRun.start(out);
        // Ctrl-C must not leave the router and deliverer processes behind.
        Thread stopOnInterrupt = new Thread(run::close, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
        try {
            results = run.all(plan, options.selected());
            warmUpRounds = run.warmUpRounds();
        } finally {
            run.close();
            Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        String table = BenchReport.table(results, plan, minutes, warmUpRounds);
        System.out.println(table);
        BenchReport.writeJson(results, plan, minutes, warmUpRounds, out.resolve("results.json"));
        BenchReport.writeChart(results, out.resolve("results.png"));
        Files.writeString(out.resolve("results.md"), table);
        System.out.printf(Locale.ROOT, "Wrote %s, %s and %s%n", out.resolve("results.md"),
                out.resolve("results.json"), out.resolve("results.png"));
        System.exit(0); // the Kafka client and Netty threads are closed; the registry's child JVM too
    }
}
