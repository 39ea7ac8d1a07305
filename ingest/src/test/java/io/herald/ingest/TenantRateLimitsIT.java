package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static io.herald.ingest.TestIngest.GLOBEX_KEY;
import static io.herald.ingest.TestIngest.OPERATOR_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One tenant flooding the API is answered 429 with Retry-After; another tenant keeps being served. */
@ExtendWith(HeraldInfrastructureExtension.class)
class TenantRateLimitsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Clients of acme posting as fast as they are answered: on this 2-core machine, with the broker in-process. */
    private static final int FLOODERS = 4;

    private static IngestServer server;

    @BeforeAll
    static void start(HeraldInfrastructure infra) {
        server = IngestServer.start(0, Map.of(
                "herald.kafka.bootstrap-servers", infra.bootstrapServers(),
                "herald.registry.url", infra.registryUrl(),
                "herald.secrets.keys", TestIngest.KEY_RING,
                "herald.ingest.ops-port", "0",
                "herald.ingest.api-keys", "acme:acme-portal:" + io.herald.ingest.auth.ApiKeys.hash(ACME_KEY)
                        + ",globex:globex-portal:" + io.herald.ingest.auth.ApiKeys.hash(GLOBEX_KEY)
                        + ",*:ops:" + io.herald.ingest.auth.ApiKeys.hash(OPERATOR_KEY),
                "herald.ingest.tenant-events-per-second", "5",
                "herald.ingest.tenant-api-per-second", "3"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFloodingTenantGets429sWhileAnotherKeepsItsLatency() throws Exception {
        List<Long> quietBefore = timedPosts("globex", GLOBEX_KEY, 10);

        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        List<String> retryAfters = Collections.synchronizedList(new ArrayList<>());
        ExecutorService flood = Executors.newFixedThreadPool(FLOODERS);
        for (int t = 0; t < FLOODERS; t++) {
            flood.execute(() -> {
                int i = 0;
                while (flooding.get()) {
                    try {
                        HttpResponse<String> answer = post("acme", ACME_KEY, "evt_flood_" + Thread.currentThread()
                                .getId() + "_" + i++);
                        if (answer.statusCode() == 429) {
                            limited.incrementAndGet();
                            answer.headers().firstValue("Retry-After").ifPresent(retryAfters::add);
                        } else if (answer.statusCode() == 200) {
                            accepted.incrementAndGet();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }
        List<Long> quietDuring;
        long floodStarted = System.nanoTime();
        try {
            Thread.sleep(1_000);
            quietDuring = timedPosts("globex", GLOBEX_KEY, 10);
            Thread.sleep(1_000);
        } finally {
            flooding.set(false);
            flood.shutdown();
            flood.awaitTermination(30, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - floodStarted) / 1e9;

        System.out.printf("flood: %d accepted, %d limited in %.1f s; globex median %d ms before, %d ms during%n",
                accepted.get(), limited.get(), seconds, median(quietBefore), median(quietDuring));
        assertThat(limited.get()).as("the flood was answered 429").isGreaterThan(accepted.get());
        assertThat(accepted.get()).as("acme got about its 5 requests/s, never much more")
                .isPositive().isLessThanOrEqualTo((int) Math.ceil(seconds + 1) * 5);
        assertThat(retryAfters).isNotEmpty().allMatch(value -> value.equals("1"));
        // globex's own 10 posts fit its budget: every one accepted, none waited behind acme's flood.
        assertThat(quietDuring).hasSize(10);
        long before = median(quietBefore);
        long during = median(quietDuring);
        assertThat(during).as("globex's median latency during the flood (before: " + before + " ms)")
                .isLessThan(Math.max(5 * before, 500));

        HttpResponse<String> management = null;
        for (int i = 0; i < 10; i++) {
            management = get("acme", ACME_KEY);
        }
        assertThat(management.statusCode()).as("the management API has its own budget: 3/s").isEqualTo(429);
        assertThat(management.body()).contains("rate_limited").contains("the management API");
        assertThat(get("acme", OPERATOR_KEY).statusCode()).as("operators are not limited").isEqualTo(200);
        assertThat(get("globex", GLOBEX_KEY).statusCode()).isEqualTo(200);
    }

    /** Posts events one after another; each must be accepted. Returns the latencies in ms. */
    private static List<Long> timedPosts(String tenant, String key, int count) throws Exception {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            HttpResponse<String> answer = post(tenant, key, "evt_quiet_" + System.nanoTime());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            latencies.add((System.nanoTime() - start) / 1_000_000);
            Thread.sleep(250); // globex stays within its 5/s
        }
        return latencies;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static HttpResponse<String> post(String tenant, String key, String id) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "/t/" + tenant + "/api/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"type\":\"user.created\","
                        + "\"data\":{\"userId\":\"usr_1\"}}"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String tenant, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.uri() + "/t/" + tenant + "/api/v1/webhooks"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    }
}
