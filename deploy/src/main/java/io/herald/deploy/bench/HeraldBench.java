package io.herald.deploy.bench;

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
 * {@code "fan-out 1, instant"}), to look at one closely. {@code --quick} runs each scenario briefly (CI keeps the harness working with it); the full run takes a few
 * minutes. The figures are this machine's: read the ratios (Herald against the ceilings measured in the same run,
 * and against the naive consumer), not the absolute numbers.
 */
public final class HeraldBench {

    private HeraldBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        String only = "";
        Path out = Path.of("deploy/target/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--profile" -> System.setProperty("herald.bench.profile", "true");
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = args[++i];
                case "--help", "-h" -> {
                    System.out.println("usage: ./herald bench [--quick] [--profile] [--only TEXT] [--out DIR]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + "; usage: ./herald bench [--quick] [--profile] [--only TEXT] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        BenchPlan plan = quick ? BenchPlan.QUICK : BenchPlan.FULL;
        List<BenchResult> results;
        int warmUpRounds;
        long started = System.nanoTime();
        BenchRun run = BenchRun.start(out);
        // Ctrl-C must not leave the router and deliverer processes behind.
        Thread stopOnInterrupt = new Thread(run::close, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
        try {
            String wanted = only.toLowerCase(Locale.ROOT);
            results = run.all(plan, label -> label.toLowerCase(Locale.ROOT).contains(wanted));
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
