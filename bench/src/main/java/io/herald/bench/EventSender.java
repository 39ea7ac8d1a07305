package io.herald.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An IAM service outside the JVM as the fault run plays it: batches of events posted to Herald's HTTP ingest at a
 * steady pace from several connections, each batch sent again, with the same event ids, after a 503 (waiting its
 * {@code Retry-After}) or a broken connection, until it is accepted or {@link #GIVE_UP_AFTER} has passed. Every answer
 * is counted by status: a client that retries only 503s must see nothing else.
 */
final class EventSender implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A batch not accepted within this time is given up (and counted): it would be lost to a real client too. */
    static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService connections;
    private final String ingestUrl;
    private final String apiKey;
    private final Map<String, AtomicLong> answers = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong givenUp = new AtomicLong();
    private final java.util.Set<String> givenUpEventIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();

    EventSender(String ingestUrl, String apiKey, int connections) {
        this.ingestUrl = ingestUrl;
        this.apiKey = apiKey;
        this.connections = Executors.newFixedThreadPool(connections, runnable -> {
            Thread thread = new Thread(runnable, "event-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Queues one batch of one tenant's events (each a JSON object with its id) for posting. */
    void send(String tenant, List<Map<String, Object>> events) {
        connections.execute(() -> post(tenant, events));
    }

    private void post(String tenant, List<Map<String, Object>> events) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("events", events));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + "/t/" + tenant + "/api/v1/events"))
                .timeout(REQUEST_TIMEOUT).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        String lastAnswer = "none";
        while (true) {
            long waitMillis;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                count(Integer.toString(response.statusCode()));
                if (response.statusCode() / 100 == 2) {
                    accepted.addAndGet(events.size());
                    return;
                }
                if (response.statusCode() != 503 && response.statusCode() / 100 == 4) {
                    // a client error: sending it again would not help
                    giveUp(events, "ingest refused the batch: " + response.statusCode() + " " + response.body());
                    return;
                }
                lastAnswer = response.statusCode() + " " + response.body();
                waitMillis = response.headers().firstValue("Retry-After").map(s -> Long.parseLong(s) * 1000)
                        .orElse(1000L);
            } catch (IOException e) {
                count(e instanceof java.net.http.HttpTimeoutException ? "no answer within "
                        + REQUEST_TIMEOUT.toSeconds() + " s" : "connection failed");
                lastAnswer = e.toString();
                waitMillis = 1000;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveUp(events, "interrupted");
                return;
            }
            if (System.nanoTime() + waitMillis * 1_000_000 > deadline) {
                giveUp(events, "not accepted within " + GIVE_UP_AFTER.toMinutes() + " min; last: " + lastAnswer);
                return;
            }
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveUp(events, "interrupted");
                return;
            }
        }
    }

    private void giveUp(List<Map<String, Object>> events, String why) {
        givenUp.addAndGet(events.size());
        events.forEach(event -> givenUpEventIds.add((String) event.get("id")));
        System.err.println("gave up a batch of " + events.size() + " events: " + why);
    }

    /** The ids of the events of batches given up: never acknowledged, so not owed a delivery. */
    java.util.Set<String> givenUpEventIds() {
        return java.util.Set.copyOf(givenUpEventIds);
    }

    private void count(String answer) {
        answers.computeIfAbsent(answer, a -> new AtomicLong()).incrementAndGet();
    }

    /** Waits until every queued batch is accepted or given up. */
    void finish() throws InterruptedException {
        connections.shutdown();
        if (!connections.awaitTermination(GIVE_UP_AFTER.plusMinutes(1).toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("batches still being sent " + GIVE_UP_AFTER.plusMinutes(1) + " after "
                    + "the last was queued");
        }
    }

    /** Answers by HTTP status ({@code "200"}, {@code "503"}, ...) or {@code "connection failed"}. */
    Map<String, Long> answers() {
        Map<String, Long> counts = new TreeMap<>();
        answers.forEach((answer, count) -> counts.put(answer, count.get()));
        return counts;
    }

    long accepted() {
        return accepted.get();
    }

    long givenUp() {
        return givenUp.get();
    }

    @Override
    public void close() {
        connections.shutdownNow();
    }
}
