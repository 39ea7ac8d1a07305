package io.herald.runtime.config;

import java.time.Duration;

/**
 * Durations as Herald's configuration and API write them, always with their unit: {@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 2h}, {@code 5d}. A bare number is refused: nobody has to guess whether 30 means seconds.
 */
public final class Durations {

    private Durations() {
    }

    /** @throws IllegalArgumentException quoting the text that is not such a duration */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        try {
            if (trimmed.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(trimmed.substring(0, trimmed.length() - 2)));
            }
            long amount = Long.parseLong(trimmed.substring(0, trimmed.length() - 1));
            if (amount < 0) {
                throw new IllegalArgumentException();
            }
            return switch (trimmed.charAt(trimmed.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a duration such as 500ms, 30s, 5m, 2h or 5d");
        }
    }

    /** The shortest exact spelling: 5d, 2h, 5m, 30s or 1500ms. */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
