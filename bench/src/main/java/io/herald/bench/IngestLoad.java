package io.herald.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.publisher.HeraldPublisher;
import io.herald.schemas.HeraldIds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events into Herald the two ways IAM services send them, in the same run: over HTTP ingest ({@code POST
 * /t/{tenant}/api/v1/events}) from N concurrent clients, one event per request or batches, as a Node or Go login
 * server would; and through the Java publisher straight to Kafka. Rates are events accepted (acknowledged on every
 * in-sync replica) per second; latencies are per request (per event for the publisher). The events' tenant has no
 * webhooks: this measures what comes in, not the deliveries.
 */
final class IngestLoad {

    static final String PUBLISHER = "java publisher, 1 KiB events";
    static final String SINGLE = "http ingest: 1 event per POST, 32 clients";
    static final String BATCHED = "http ingest: 50 events per POST, 8 clients";
    static final int SINGLE_CLIENTS = 32;
    static final int BATCH_SIZE = 50;
    static final int BATCH_CLIENTS = 8;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sized so that an event is about 1 KiB, as in the other scenarios. */
    private static final String USER_AGENT = "Mozilla/5.0 (bench) " + "x".repeat(620);
    /** The publisher's events in flight at once: it is asynchronous, one thread feeds it. */
    private static final int PUBLISHER_IN_FLIGHT = 1_000;

    private final BenchStack stack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    IngestLoad(BenchStack stack) {
        this.stack = stack;
    }

    /**
     * The publisher's and HTTP ingest's runs the selection asks for, each after an unrecorded round of a fifth of it
     * (ingest's JVM starts cold).
     */
    List<BenchResult> run(BenchPlan plan, java.util.function.Predicate<String> wanted) throws Exception {
        List<BenchResult> results = new ArrayList<>();
        if (wanted.test(PUBLISHER + ", -")) {
            publisher("warm-up", plan.publisherEvents() / 5);
            results.add(publisher(PUBLISHER, plan.publisherEvents()));
        }
        if (wanted.test(SINGLE + ", -")) {
            http("warm-up", plan.ingestRequests() / 5, 1, SINGLE_CLIENTS);
            results.add(http(SINGLE, plan.ingestRequests(), 1, SINGLE_CLIENTS));
        }
        if (wanted.test(BATCHED + ", -")) {
            http("warm-up", plan.ingestRequests() / 50, BATCH_SIZE, BATCH_CLIENTS);
            results.add(http(BATCHED, plan.ingestRequests() / 10, BATCH_SIZE, BATCH_CLIENTS));
        }
        stack.stopIngest();
        return results;
    }

    /**
     * {@code requests} POSTs of {@code eventsPerRequest} events each from {@code clients} connections, each client
     * posting its next request once the last is answered.
     */
    BenchResult http(String scenario, int requests, int eventsPerRequest, int clients) throws Exception {
        String url = stack.ingestUrl() + "/t/" + stack.unique("bench-ingest") + "/api/v1/events";
        LatencyRecorder recorder = new LatencyRecorder();
        AtomicInteger next = new AtomicInteger();
        AtomicLong refused = new AtomicLong();
        CpuUse cpuBefore = stack.ingestCpu();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    while (next.getAndIncrement() < requests) {
                        byte[] body = JSON.writeValueAsBytes(Map.of("events", events(eventsPerRequest)));
                        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + stack.operatorKey())
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                        long sent = System.nanoTime();
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            refused.incrementAndGet();
                            if (refused.get() == 1) {
                                BenchRun.log("ingest answered %d: %s", response.statusCode(), response.body());
                            }
                            continue;
                        }
                        recorder.record((System.nanoTime() - sent) / 1_000_000);
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (refused.get() > 0) {
            throw new IllegalStateException(refused.get() + " of " + requests + " requests were refused");
        }
        long events = (long) requests * eventsPerRequest;
        CpuUse cpu = stack.ingestCpu().minus(cpuBefore);
        BenchRun.log("%s: %,d events in %,d requests, %.0f events/s, %.0f requests/s, p99 %d ms; ingest CPU "
                        + "%.2f ms per request", scenario, events, requests, events / seconds, requests / seconds,
                recorder.percentiles().p99(), (double) cpu.totalMillis() / requests);
        return new BenchResult(scenario, "-", events, events / seconds, recorder.percentiles(),
                cpu.perThousand(events), cpu.perThousandWithoutJit(events), -1, -1);
    }

    /** {@code events} through the Java publisher, at most {@link #PUBLISHER_IN_FLIGHT} unacknowledged at once. */
    BenchResult publisher(String scenario, int events) throws Exception {
        HeraldPublisher publisher = stack.publisher;
        String tenant = stack.unique("bench-ingest");
        LatencyRecorder recorder = new LatencyRecorder();
        Semaphore inFlight = new Semaphore(PUBLISHER_IN_FLIGHT);
        List<CompletableFuture<?>> acknowledged = new ArrayList<>(events);
        long started = System.nanoTime();
        for (int i = 0; i < events; i++) {
            inFlight.acquire();
            long sent = System.nanoTime();
            acknowledged.add(publisher.publish(BenchStack.event(tenant)).whenComplete((published, error) -> {
                inFlight.release();
                recorder.record((System.nanoTime() - sent) / 1_000_000);
            }));
        }
        CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - started) / 1e9;
        BenchRun.log("%s: %,d events, %.0f events/s, p99 %d ms", scenario, events, events / seconds,
                recorder.percentiles().p99());
        return new BenchResult(scenario, "-", events, events / seconds, recorder.percentiles(), -1, -1, -1, -1);
    }

    private static List<Map<String, Object>> events(int count) {
        List<Map<String, Object>> events = new ArrayList<>(count);
        String now = Instant.now().toString();
        for (int i = 0; i < count; i++) {
            events.add(Map.of("id", HeraldIds.newEventId(), "type", "auth.login.success", "timestamp", now,
                    "source", "bench", "data", Map.of("userId", "usr_bench", "method", "password",
                            "userAgent", USER_AGENT, "mfaUsed", false)));
        }
        return events;
    }
}
