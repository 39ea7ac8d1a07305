package io.herald.router;

import io.herald.schemas.config.Settings;
import java.util.concurrent.CountDownLatch;

/** Runs the router until the process is stopped (SIGTERM closes it cleanly). */
public final class RouterMain {

    private RouterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        HeraldRouter router = HeraldRouter.start(RouterConfig.from(Settings.fromProcess()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            router.close();
            stopped.countDown();
        }, "router-shutdown"));
        stopped.await();
    }
}
