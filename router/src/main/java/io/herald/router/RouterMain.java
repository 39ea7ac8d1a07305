package io.herald.router;

import io.herald.runtime.tracing.ServiceTracing;
import io.herald.runtime.config.Settings;
import io.herald.schemas.tracing.HeraldTracing;
import io.herald.runtime.tracing.TracingSettings;
import java.util.concurrent.CountDownLatch;

/** Runs the router until the process is stopped (SIGTERM closes it cleanly). */
public final class RouterMain {

    private RouterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcess();
        RouterConfig config = RouterConfig.from(settings);
        HeraldTracing tracing = ServiceTracing.start(TracingSettings.from(settings), "herald-router");
        HeraldRouter router = HeraldRouter.start(config, tracing);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            router.close();
            tracing.close(); // flushes the last spans
            stopped.countDown();
        }, "router-shutdown"));
        stopped.await();
    }
}
