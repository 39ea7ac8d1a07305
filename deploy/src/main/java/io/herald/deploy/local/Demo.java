package io.herald.deploy.local;

import io.herald.runtime.kafka.KafkaClients;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublisherConfig;
import io.herald.schemas.catalog.EventFilter;
import io.herald.schemas.event.IamEvent;
import io.herald.signatures.WebhookVerificationException;
import io.herald.signatures.WebhookVerifier;
import io.herald.testkit.WebhookReceiver;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<ActiveWebhook> activeWebhooks = new ArrayList<>();
    private final List<Registered> registered = new ArrayList<>();
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
        this.counters = new PipelineCounters(KafkaClients.of(stack.bootstrapServers()),
                io.herald.schemas.registry.RegistryEndpoint.of(stack.registryUrl()));
        this.publisher = HeraldPublisher.create(PublisherConfig.of(stack.bootstrapServers(), stack.registryUrl(),
                "herald-demo"));
        receiver.onRequest(this::verify);
    }

    /** Registers the demo webhooks through the management API, as a tenant's admin would, and prints them. */
    void registerWebhooks() {
        register("acme", "SIEM bridge", "/acme/siem", List.of("security.*"), true);
        register("acme", "User sync", "/acme/user-sync", List.of("user.*", "auth.password_reset"), true);
        register("acme", "Audit log", "/acme/audit", List.of("*"), true);
        register("acme", "Paused hook", "/acme/paused", List.of("*"), false);
        register("globex", "Globex audit", "/globex/audit", List.of("*"), true);
        awaitRouterSees(registered);
    }

    private void awaitRouterSees(List<Registered> webhooks) {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        for (Registered webhook : webhooks) {
            while (!stack.router().knowsWebhook(webhook.tenant(), webhook.id())) {
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

    private void register(String tenant, String name, String path, List<String> events, boolean active) {
        Map<String, Object> body = Map.of("name", name, "description", "Herald demo", "url", receiver.url(path),
                "eventTypes", events, "active", active, "headers", Map.of("X-Demo", "true"));
        JsonNode created;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(stack.ingestUrl() + "/t/" + tenant + "/api/v1/webhooks"))
                    .header("Authorization", "Bearer " + stack.operatorKey())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("registering " + name + " failed: HTTP " + response.statusCode()
                        + " " + response.body());
            }
            created = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("the management API did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering webhooks", e);
        }
        String id = created.get("webhook").get("id").asText();
        verifiers.put(path, new WebhookVerifier(created.get("secret").asText()));
        registered.add(new Registered(tenant, id));
        if (active) {
            activeWebhooks.add(new ActiveWebhook(tenant, events));
        }
        out.printf("  webhook %s  %-7s %-13s %-30s -> %s%s%n", id, tenant, name, events, receiver.url(path),
                active ? "" : "  (inactive: receives nothing)");
    }

    private record Registered(String tenant, String id) {
    }

    private record ActiveWebhook(String tenant, List<String> eventTypes) {
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
