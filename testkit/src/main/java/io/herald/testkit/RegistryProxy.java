package io.herald.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP proxy in front of a schema registry, as a secured company registry behaves: it answers 401 to a
 * request without the expected {@code Authorization} header, forwards the others, and records every request, so a
 * test can show which credentials a client sent. {@link #failing(boolean)} makes it answer 503 for a while, as a
 * registry that is away does.
 */
public final class RegistryProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "expect", "keep-alive");

    /** One request the proxy saw. */
    public record Seen(String method, String path, String authorization, int status) {
    }

    private final HttpServer server;
    private final String target;
    private final String requiredAuthorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    private RegistryProxy(String target, String requiredAuthorization) {
        this.target = target.replaceAll("/+$", "");
        this.requiredAuthorization = requiredAuthorization;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("the registry proxy could not listen", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "registry-proxy");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /**
     * @param target the base URL requests are forwarded to, e.g. the registry's Confluent API
     * @param requiredAuthorization the {@code Authorization} header value every request must carry, or null
     */
    public static RegistryProxy start(String target, String requiredAuthorization) {
        return new RegistryProxy(target, requiredAuthorization);
    }

    /** This proxy's base URL, standing for {@code target}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** While true, every request is answered 503 without reaching the registry. */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String pathAndQuery = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        byte[] body = exchange.getRequestBody().readAllBytes();
        int status;
        byte[] answer;
        if (failing) {
            status = 503;
            answer = "{\"error_code\":50302,\"message\":\"registry unavailable (test)\"}"
                    .getBytes(StandardCharsets.UTF_8);
        } else if (requiredAuthorization != null && !requiredAuthorization.equals(authorization)) {
            status = 401;
            answer = "{\"error_code\":401,\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
        } else {
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + pathAndQuery))
                    .timeout(Duration.ofSeconds(20))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.equalsIgnoreCase("Authorization")) {
                    values.forEach(value -> forward.header(name, value));
                }
            });
            try {
                HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                status = response.statusCode();
                answer = response.body();
                response.headers().firstValue("Content-Type")
                        .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
            } catch (IOException | InterruptedException e) {
                status = 502;
                answer = ("{\"message\":\"" + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8);
            }
        }
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), authorization, status));
        exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            exchange.getResponseBody().write(answer);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
