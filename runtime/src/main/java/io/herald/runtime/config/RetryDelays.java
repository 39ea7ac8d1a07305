package io.herald.runtime.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Retry schedules, one rule set for the deployment's default ({@code herald.deliverer.retry.schedule}) and for a
 * webhook's own ({@code retrySchedule} in the management API): the delays before retry 1, 2, ... (the first attempt
 * is immediate), 1 to {@link #MAX_RETRIES} of them, each positive and at most {@link #MAX_DELAY}.
 */
public final class RetryDelays {

    public static final int MAX_RETRIES = 20;
    public static final Duration MAX_DELAY = Duration.ofHours(24);
    /** LumoAuth's policy: 5 attempts over about an hour. */
    public static final List<Duration> STANDARD = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofMinutes(40));
    /** Like Svix's: 8 attempts over about 28 hours. */
    public static final List<Duration> EXTENDED = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
            Duration.ofHours(10));
    public static final Map<String, List<Duration>> PRESETS = Map.of("standard", STANDARD, "extended", EXTENDED);

    private RetryDelays() {
    }

    /**
     * A preset name or comma-separated delays such as {@code 30s,2m,10m,1h}.
     *
     * @throws IllegalArgumentException naming the delay that is not a duration
     */
    public static List<Duration> parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (PRESETS.containsKey(trimmed)) {
            return PRESETS.get(trimmed);
        }
        return parse(Arrays.stream(trimmed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    /** Delays as the API writes them, one string each. */
    public static List<Duration> parse(List<String> delays) {
        return delays.stream().map(Durations::parse).toList();
    }

    /** What breaks the rules, or empty when the schedule is valid. */
    public static Optional<String> problem(List<Duration> delays) {
        if (delays.isEmpty() || delays.size() > MAX_RETRIES) {
            return Optional.of("must have 1 to " + MAX_RETRIES + " delays");
        }
        if (delays.stream().anyMatch(d -> d.isNegative() || d.isZero() || d.compareTo(MAX_DELAY) > 0)) {
            return Optional.of("each delay must be positive and at most " + Durations.format(MAX_DELAY));
        }
        return Optional.empty();
    }

    public static List<String> format(List<Duration> delays) {
        return delays.stream().map(Durations::format).toList();
    }
}
