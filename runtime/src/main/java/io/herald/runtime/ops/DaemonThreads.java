package io.herald.runtime.ops;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Background checkers that must never keep a stopping service's JVM alive. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A single daemon thread with this name, for periodic work. */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
