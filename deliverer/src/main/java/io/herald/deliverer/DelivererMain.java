package io.herald.deliverer;

import io.herald.schemas.config.Settings;
import java.util.concurrent.CountDownLatch;

/** Runs a deliverer until the process is stopped (SIGTERM finishes in-flight work, then exits). */
public final class DelivererMain {

    private DelivererMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        HeraldDeliverer deliverer = HeraldDeliverer.start(DelivererConfig.from(Settings.fromProcess()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            deliverer.close();
            stopped.countDown();
        }, "deliverer-shutdown"));
        stopped.await();
    }
}
