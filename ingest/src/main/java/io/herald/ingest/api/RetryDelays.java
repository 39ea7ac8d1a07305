package io.herald.ingest.api;

import io.herald.runtime.config.Durations;
import java.time.Duration;
import java.util.List;

/** A webhook's retry schedule as the API writes it ("30s", "5m", "2h") and as it is stored (milliseconds). */
final class RetryDelays {

    static final int MAX_RETRIES = 20;
    static final long MAX_DELAY_MS = Duration.ofHours(24).toMillis();

    private RetryDelays() {
    }

    /** @throws IllegalArgumentException naming the delay that is not of the form 500ms, 30s, 5m or 2h */
    static List<Long> parse(List<String> delays) {
        return delays.stream().map(Durations::parse).map(Duration::toMillis).toList();
    }

    static List<String> format(List<Long> millis) {
        return millis.stream().map(ms -> Durations.format(Duration.ofMillis(ms))).toList();
    }
}
