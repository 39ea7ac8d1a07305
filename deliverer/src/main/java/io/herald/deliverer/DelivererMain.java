package io.herald.deliverer;

import io.herald.runtime.tracing.ServiceTracing;
import io.herald.runtime.config.Settings;
import io.herald.schemas.tracing.HeraldTracing;
import io.herald.runtime.tracing.TracingSettings;
import java.util.concurrent.CountDownLatch;

/** Runs a deliverer until the process is stopped (SIGTERM finishes in-flight work, then exits). */
public final class DelivererMain {

    private DelivererMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcess();
        DelivererConfig config = DelivererConfig.from(settings);
        HeraldTracing tracing = ServiceTracing.start(TracingSettings.from(settings), "herald-deliverer");
        HeraldDeliverer deliverer = HeraldDeliverer.start(config, tracing);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            deliverer.close();
            tracing.close(); // flushes the last spans
            stopped.countDown();
        }, "deliverer-shutdown"));
        stopped.await();
    }
}
