package io.herald.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on loopback that records every request it receives, per path. Each path answers 204 unless
 * told otherwise with {@link #respond(String, int, Duration)}. For tests and the local demo.
 */
public final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, List<ReceivedRequest>> received = new ConcurrentHashMap<>();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, java.util.Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private volatile RequestListener listener = request -> 204;

    private WebhookReceiver(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free loopback port. */
    public static WebhookReceiver start() {
        return start(0);
    }

    public static WebhookReceiver start(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
            ExecutorService executor = Executors.newFixedThreadPool(32);
            server.setExecutor(executor);
            WebhookReceiver receiver = new WebhookReceiver(server, executor);
            server.createContext("/", receiver::handle);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("the webhook receiver could not start", e);
        }
    }

    /** The URL of a path on this receiver, e.g. {@code url("/hooks/a")}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Makes a path answer with a status, after a delay (to play a slow endpoint). */
    public void respond(String path, int status, Duration delay) {
        behaviours.put(path, new Behaviour(status, delay));
    }

    /**
     * Makes a path answer with a sequence of replies, one per request; the last one repeats. For endpoints that
     * fail in scripted ways (503 twice, then 200).
     */
    public void script(String path, Reply... replies) {
        scripts.put(path, new java.util.concurrent.ConcurrentLinkedDeque<>(List.of(replies)));
    }

    /** A scripted reply: a status and extra response headers. */
    public record Reply(int status, Map<String, String> headers) {
        public static Reply of(int status) {
            return new Reply(status, Map.of());
        }
    }

    /** Decides the status of requests on paths without a fixed behaviour (e.g. by verifying signatures). */
    public void onRequest(RequestListener listener) {
        this.listener = listener;
    }

    public List<ReceivedRequest> requests(String path) {
        return List.copyOf(received.getOrDefault(path, List.of()));
    }

    public int totalRequests() {
        return received.values().stream().mapToInt(List::size).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) ->
                    headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            String path = exchange.getRequestURI().getPath();
            ReceivedRequest request = new ReceivedRequest(exchange.getRequestMethod(), path,
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(headers), body, Instant.now());
            received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(request);
            Behaviour behaviour = behaviours.get(path);
            Reply scripted = nextScripted(path);
            int status = scripted != null ? scripted.status()
                    : behaviour != null ? behaviour.status() : listener.statusFor(request);
            if (scripted != null) {
                scripted.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            }
            if (behaviour != null && !behaviour.delay().isZero()) {
                Thread.sleep(behaviour.delay().toMillis());
            }
            byte[] answer = ("{\"received\":true,\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, status == 204 ? -1 : answer.length);
            if (status != 204) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientWentAway) {
            // the deliverer gave up (timeout); nothing to answer
        }
    }

    private Reply nextScripted(String path) {
        java.util.Deque<Reply> script = scripts.get(path);
        if (script == null) {
            return null;
        }
        synchronized (script) {
            return script.size() > 1 ? script.pollFirst() : script.peekFirst();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** One request as received; header names are lower-case. */
    public record ReceivedRequest(String method, String path, String query, Map<String, String> headers,
            String body, Instant receivedAt) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Chooses the status of a request. */
    @FunctionalInterface
    public interface RequestListener {
        int statusFor(ReceivedRequest request);
    }

    private record Behaviour(int status, Duration delay) {
    }
}
