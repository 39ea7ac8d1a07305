package io.herald.deploy.local;

import io.herald.ingest.publish.HeraldPublisher;
import io.herald.ingest.publish.PublisherConfig;
import io.herald.ingest.webhooks.CreatedWebhook;
import io.herald.ingest.webhooks.WebhookDefinition;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.schemas.catalog.EventFilter;
import io.herald.schemas.egress.ForbiddenAddresses;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.security.WebhookVerificationException;
import io.herald.schemas.security.WebhookVerifier;
import io.herald.testkit.WebhookReceiver;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows the pipeline working: registers webhooks pointing at a built-in receiver that verifies every signature,
 * publishes sample IAM events, and prints live counts of what was routed, delivered and verified.
 */
final class Demo implements AutoCloseable {

    private static final Duration REPORT_INTERVAL = Duration.ofSeconds(2);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private final LocalStack stack;
    private final PrintStream out;
    private final WebhookReceiver receiver = WebhookReceiver.start();
    private final Map<String, WebhookVerifier> verifiers = new ConcurrentHashMap<>();
    private final List<WebhookDefinition> activeWebhooks = new ArrayList<>();
    private final List<CreatedWebhook> registered = new ArrayList<>();
    private final AtomicLong verified = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();
    private final PipelineCounters counters;
    private final HeraldPublisher publisher;
    private final SampleEvents samples = new SampleEvents();
    private long published;
    private long expectedDeliveries;

    Demo(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
        this.counters = new PipelineCounters(stack.bootstrapServers(), stack.registryUrl());
        this.publisher = HeraldPublisher.create(PublisherConfig.of(stack.bootstrapServers(), stack.registryUrl(),
                "herald-demo"));
        receiver.onRequest(this::verify);
    }

    /** Registers the demo webhooks and prints them. */
    void registerWebhooks() {
        try (WebhookStore store = WebhookStore.create(stack.bootstrapServers(), stack.registryUrl(), stack.cipher(),
                new ForbiddenAddresses(LocalStack.LOCAL_NETWORKS))) {
            register(store, "acme", "SIEM bridge", "/acme/siem", List.of("security.*"), true);
            register(store, "acme", "User sync", "/acme/user-sync", List.of("user.*", "auth.password_reset"), true);
            register(store, "acme", "Audit log", "/acme/audit", List.of("*"), true);
            register(store, "acme", "Paused hook", "/acme/paused", List.of("*"), false);
            register(store, "globex", "Globex audit", "/globex/audit", List.of("*"), true);
        }
        awaitRouterSees(registered);
    }

    private void awaitRouterSees(List<CreatedWebhook> webhooks) {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        for (CreatedWebhook webhook : webhooks) {
            while (!stack.router().knowsWebhook(webhook.subscription().getTenant(), webhook.id())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the router did not see webhook " + webhook.id() + " in time");
                }
                sleepQuietly(50);
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Publishes events at the given rate; with a limit, stops after that many and waits for every delivery.
     *
     * @return whether every expected delivery arrived with a valid signature (always true without a limit)
     */
    boolean run(int eventsPerSecond, long limit) throws InterruptedException {
        long intervalNanos = 1_000_000_000L / Math.max(1, eventsPerSecond);
        long nextReport = System.nanoTime() + REPORT_INTERVAL.toNanos();
        while (limit <= 0 || published < limit) {
            publish(samples.next());
            Thread.sleep(Math.max(1, intervalNanos / 1_000_000));
            if (System.nanoTime() >= nextReport) {
                report();
                nextReport += REPORT_INTERVAL.toNanos();
            }
        }
        publisher.flush();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (counters.attempted() < expectedDeliveries && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        report();
        boolean allDelivered = counters.delivered() == expectedDeliveries && verified.get() == expectedDeliveries
                && badSignatures.get() == 0 && receiver.requests("/acme/paused").isEmpty();
        out.println(allDelivered
                ? "OK: all " + expectedDeliveries + " deliveries of " + published + " events arrived, signatures valid."
                : "FAILED: expected " + expectedDeliveries + " verified deliveries, see the counts above.");
        return allDelivered;
    }

    private void publish(IamEvent event) {
        publisher.publish(event);
        published++;
        expectedDeliveries += activeWebhooks.stream()
                .filter(w -> w.tenant().equals(event.getTenant()) && EventFilter.matches(w.eventTypes(), event.getType()))
                .count();
    }

    private void report() {
        out.printf("events published %-6d routed %-6d delivered %-6d failed %-4d skipped %-4d"
                        + " | receiver: signature ok %-6d bad %d%n",
                published, counters.routed(), counters.delivered(), counters.failed(), counters.skipped(),
                verified.get(), badSignatures.get());
    }

    private void register(WebhookStore store, String tenant, String name, String path, List<String> events,
            boolean active) {
        WebhookDefinition definition = new WebhookDefinition(tenant, name, "Herald demo", receiver.url(path),
                events, Map.of("X-Demo", "true"), null, active);
        CreatedWebhook created = store.create(definition);
        verifiers.put(path, new WebhookVerifier(created.signingSecret()));
        registered.add(created);
        if (active) {
            activeWebhooks.add(definition);
        }
        out.printf("  webhook %s  %-7s %-13s %-30s -> %s%s%n", created.id(), tenant, name, events, receiver.url(path),
                active ? "" : "  (inactive: receives nothing)");
    }

    private int verify(WebhookReceiver.ReceivedRequest request) {
        WebhookVerifier verifier = verifiers.get(request.path());
        try {
            if (verifier == null) {
                throw new WebhookVerificationException("unknown path");
            }
            verifier.verify(request.body(), request.headers());
            if (!verifier.verifyHeraldSignature(request.body(), request.header("X-Herald-Signature"))) {
                throw new WebhookVerificationException("X-Herald-Signature does not match");
            }
            verified.incrementAndGet();
            return 204;
        } catch (WebhookVerificationException e) {
            badSignatures.incrementAndGet();
            return 401;
        }
    }

    @Override
    public void close() {
        publisher.close();
        counters.close();
        receiver.close();
    }
}
