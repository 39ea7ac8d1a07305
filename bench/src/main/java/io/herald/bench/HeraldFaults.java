package io.herald.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Herald's fault run: every part in its own process, events over HTTP at a steady pace, deliverers, the broker and
 * the router killed with SIGKILL and started again; prints what it cost (lost and duplicated deliveries, recovery
 * after each fault) and writes it to {@code faults.md}.
 *
 * <pre>./herald faults [--small] [--out DIR]</pre>
 *
 * {@code --small} is the run CI makes (15,000 events or more, two deliverer kills, about 5 minutes); the default is the
 * operator's trial (100,000 events, five deliverer kills, about 8 minutes). Exits 1 when a delivery was lost or not
 * owed, an answer of ingest was neither 2xx nor 503, duplicates passed 1%, or a fault could not be carried out; the
 * timing targets (recovery, deferrals) are reported, not judged: on a shared 2-core machine they are its noise.
 */
public final class HeraldFaults {

    static final String USAGE = "usage: ./herald faults [--small] [--out DIR]";

    private HeraldFaults() {
    }

    public static void main(String[] args) throws Exception {
        FaultRun.Plan plan = FaultRun.Plan.FULL;
        Path out = Path.of("bench", "target", "faults");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--small" -> plan = FaultRun.Plan.CI;
                case "--out" -> {
                    if (i + 1 == args.length) {
                        fail("--out needs a directory");
                    }
                    out = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> fail("unknown option " + args[i]);
            }
        }
        Files.createDirectories(out);
        FaultReport report;
        FaultRun run = FaultRun.start(out);
        Thread stopOnInterrupt = new Thread(run::close, "faults-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
        try {
            report = run.run(plan);
        } finally {
            run.close();
            Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
        }
        String table = report.table();
        System.out.println(table);
        Files.writeString(out.resolve("faults.md"), table);
        System.out.println("Wrote " + out.resolve("faults.md") + "; the services' logs are next to it.");
        System.exit(report.failures().isEmpty() ? 0 : 1);
    }

    private static void fail(String message) {
        System.err.println(message + "\n" + USAGE);
        System.exit(2);
    }
}
