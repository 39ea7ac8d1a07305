package io.herald.deploy.local;

import io.herald.runtime.config.ConfigException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./herald [run|demo] [--port N] [--events N] [--rate N]}: Herald on this machine with nothing installed
 * but a JDK. {@code run} starts Kafka, the schema registry, router, deliverer and ingest, and waits; {@code demo}
 * does the same and then shows events flowing to signed webhooks. Ctrl-C stops everything.
 */
public final class HeraldLocal {

    private HeraldLocal() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalOptions options;
        try {
            options = LocalOptions.parse(args);
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("herald: " + e.getMessage());
            System.err.println(LocalOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(LocalOptions.USAGE);
            return;
        }
        System.exit(run(options, System.out));
    }

    static int run(LocalOptions options, PrintStream out) throws InterruptedException {
        out.println("Starting Herald: Kafka broker (KRaft), schema registry, router, deliverer, ingest...");
        long startNanos = System.nanoTime();
        LocalStack stack = LocalStack.start(options.port());
        CountDownLatch finished = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            out.println("Stopping Herald...");
            stack.close();
            finished.countDown();
        }, "herald-local-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        out.printf("Herald is up in %.1f s%n", (System.nanoTime() - startNanos) / 1e9);
        out.println("  Kafka bootstrap servers   " + stack.bootstrapServers());
        out.println("  Schema registry           " + stack.registryUrl() + "  (Apicurio, Confluent API)");
        out.println("  Ingest service            " + stack.ingestUrl() + "  (try /api/v1/event-types, /health)");
        out.println("  Operator API key (this run only) " + stack.operatorKey());
        out.println("    curl -H 'Authorization: Bearer " + stack.operatorKey() + "' "
                + stack.ingestUrl() + "/t/acme/api/v1/webhooks");
        if (!options.demo()) {
            out.println("Press Ctrl-C to stop.");
            finished.await();
            return 0;
        }
        boolean ok;
        try (Demo demo = new Demo(stack, out)) {
            out.println("Demo webhooks (a built-in receiver verifies every signature):");
            demo.registerWebhooks();
            out.println(options.events() > 0
                    ? "Publishing " + options.events() + " sample IAM events..."
                    : "Publishing sample IAM events; press Ctrl-C to stop.");
            ok = demo.run(options.rate(), options.events());
        }
        Runtime.getRuntime().removeShutdownHook(shutdown);
        stack.close();
        return ok ? 0 : 1;
    }
}
