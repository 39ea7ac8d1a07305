package io.herald.deliverer.retry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Record headers that hold an instant as epoch milliseconds in decimal text ({@code herald-due-at} and the like). */
public final class InstantHeaders {

    private InstantHeaders() {
    }

    static void put(Headers headers, String name, Instant instant) {
        headers.add(name, Long.toString(instant.toEpochMilli()).getBytes(StandardCharsets.US_ASCII));
    }

    /** The header's instant; empty when it is missing or not a number. */
    public static Optional<Instant> read(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(new String(header.value(),
                    StandardCharsets.US_ASCII))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
