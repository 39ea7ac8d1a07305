package io.herald.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The benchmark's command line: {@code [--quick] [--profile] [--only TEXT] [--out DIR]}.
 *
 * @param only the text a scenario's "scenario, receiver" label must contain (empty: every scenario); several
 *     texts separated by {@code |} pick the scenarios that contain any of them
 */
record BenchOptions(boolean quick, boolean profile, String only, Path out, boolean help) {

    static final String USAGE = "usage: ./herald bench [--quick] [--profile] [--only TEXT] [--out DIR]";

    /** Every scenario's label, in the order of a run ({@code --only} picks among them). */
    static final List<String> SCENARIOS = List.of(
            "ceiling: HTTP only, instant", "ceiling: HTTP only, 50 ms", "ceiling: Kafka only, -",
            IngestLoad.PUBLISHER + ", -", IngestLoad.SINGLE + ", -", IngestLoad.BATCHED + ", -",
            "herald fan-out 1, instant", "herald fan-out 10, instant", "naive consumer (sync POST), instant",
            "isolation: 10% black-holed, instant", "isolation: 10% answer 503, instant",
            "herald fan-out 1, 50 ms", "herald fan-out 10, 50 ms", "naive consumer (sync POST), 50 ms",
            "isolation: 10% black-holed, 50 ms", "isolation: 10% answer 503, 50 ms",
            "herald fan-out 100, instant", "herald fan-out 1000, instant", "payload 16 KiB, instant",
            "payload 64 KiB, instant",
            "scale-out: 2 deliverers, fan-out 10, instant", "steady load at 50% of capacity, instant");

    /** @throws IllegalArgumentException naming what is wrong, for the usage message */
    static BenchOptions parse(String... args) {
        boolean quick = false;
        boolean profile = false;
        String only = "";
        Path out = Path.of("bench/target/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--profile" -> profile = true;
                case "--out" -> out = Path.of(valueOf(args, ++i, "--out"));
                case "--only" -> only = valueOf(args, ++i, "--only");
                case "--help", "-h" -> {
                    return new BenchOptions(quick, profile, only, out, true);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        BenchOptions options = new BenchOptions(quick, profile, only, out, false);
        if (SCENARIOS.stream().noneMatch(options.selected())) {
            throw new IllegalArgumentException("--only '" + only + "' matches no scenario; they are: "
                    + String.join("; ", SCENARIOS));
        }
        return options;
    }

    /** Whether a scenario's label is among those to run. */
    Predicate<String> selected() {
        List<String> wanted = Arrays.stream(only.toLowerCase(Locale.ROOT).split("\\|", -1)).map(String::trim).toList();
        return label -> wanted.stream().anyMatch(label.toLowerCase(Locale.ROOT)::contains);
    }

    private static String valueOf(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
