package io.herald.deliverer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a response body up to a cap and keeps its first bytes as text for the attempt record; the rest is
 * dropped, so an endless or huge body costs at most the cap.
 */
final class ResponseExcerpt {

    private final int keepBytes;
    private final int readLimitBytes;
    private final ByteArrayOutputStream kept;
    private long read;

    ResponseExcerpt(int keepBytes, int readLimitBytes) {
        this.keepBytes = keepBytes;
        this.readLimitBytes = readLimitBytes;
        this.kept = new ByteArrayOutputStream(Math.min(keepBytes, 1024));
    }

    /** Takes a chunk; returns true once the read limit is reached and reading should stop. */
    boolean add(byte[] chunk) {
        int room = keepBytes - kept.size();
        if (room > 0) {
            kept.write(chunk, 0, Math.min(room, chunk.length));
        }
        read += chunk.length;
        return read >= readLimitBytes;
    }

    /** The kept bytes as UTF-8 text (a cut multi-byte character becomes U+FFFD), or null if the body was empty. */
    String text() {
        return kept.size() == 0 ? null : kept.toString(StandardCharsets.UTF_8);
    }
}
