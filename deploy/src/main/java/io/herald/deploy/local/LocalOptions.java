package io.herald.deploy.local;

/**
 * Command line of the local launcher.
 *
 * @param demo run the demo after starting
 * @param port ingest HTTP port (0 picks a free one)
 * @param events with demo: stop after this many events and report (0 = until Ctrl-C)
 * @param rate with demo: events per second
 */
record LocalOptions(boolean demo, int port, long events, int rate, boolean help) {

    static final String USAGE = """
            usage: ./herald [run|demo] [--port N] [--events N] [--rate N]
              run        start Kafka, the schema registry, router, deliverer and ingest; wait for Ctrl-C (default)
              demo       the same, then register demo webhooks and publish sample IAM events, with live counts
              --port N   ingest HTTP port (default 8080; 0 = any free port)
              --events N demo: publish N events, wait for their deliveries, exit 0 if all arrived signed
              --rate N   demo: events per second (default 20)
            also: ./herald bench --help (throughput and latency), ./herald faults --help (what kills cost)""";

    static LocalOptions parse(String[] args) {
        boolean demo = false;
        boolean help = false;
        int port = 8080;
        long events = 0;
        int rate = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "run" -> demo = false;
                case "demo" -> demo = true;
                case "-h", "--help", "help" -> help = true;
                case "--port" -> port = intArg(args, ++i, "--port", 0, 65_535);
                case "--events" -> events = intArg(args, ++i, "--events", 1, 10_000_000);
                case "--rate" -> rate = intArg(args, ++i, "--rate", 1, 10_000);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        return new LocalOptions(demo, port, events, rate, help);
    }

    private static int intArg(String[] args, int index, String name, int min, int max) {
        if (index >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        try {
            int value = Integer.parseInt(args[index]);
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be from " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + args[index] + "'");
        }
    }
}
