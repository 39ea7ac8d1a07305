package io.herald.router;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the changes made to the global webhook store, so that the stream threads can tell whether what they
 * remember of it ({@link TenantWebhooks}) is still current. Shared by the global thread, which writes, and every
 * stream thread, which reads.
 */
final class WebhookChanges {

    private final AtomicLong generation = new AtomicLong();

    /**
     * Runs {@code write} between two increments, like a sequence lock: a reader that read the store while the write
     * was under way holds an older generation than the final one, and a reader that sees the final one reads after
     * the write.
     */
    void apply(Runnable write) {
        generation.incrementAndGet();
        try {
            write.run();
        } finally {
            generation.incrementAndGet();
        }
    }

    long generation() {
        return generation.get();
    }
}
