package io.herald.bench;

import java.io.IOException;
import java.nio.file.Path;

/** Stops what a run started, in the order given, each whatever the others did, then deletes its work directory. */
final class Teardown {

    private Teardown() {
    }

    /** Closes each part (null: never started) and deletes {@code work}; failures are reported, not thrown. */
    static void closeAll(Path work, AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                System.err.println("closing failed: " + e);
            }
        }
        try {
            org.apache.kafka.common.utils.Utils.delete(work.toFile());
        } catch (IOException e) {
            System.err.println("could not delete " + work + ": " + e.getMessage());
        }
    }
}
