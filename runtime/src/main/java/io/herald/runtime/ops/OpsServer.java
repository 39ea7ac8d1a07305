package io.herald.runtime.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A service's operations endpoint, for Prometheus and Kubernetes: {@code GET /metrics} (Prometheus text format; only
 * some series with {@code ?name[]=...}),
 * {@code GET /health/live} (the process answers) and {@code GET /health/ready} (200 when the service can do its
 * work, 503 otherwise). Runs on its own small thread pool, apart from the service's work.
 */
public final class OpsServer implements AutoCloseable {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** @param port the port to listen on; 0 for any free one */
    public static OpsServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        return start(port, registry, ready, Optional::empty);
    }

    /**
     * @param port the port to listen on; 0 for any free one
     * @param reason why the service is not ready: which dependency is down, and what to fix (the 503's body)
     */
    public static OpsServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier ready,
            Supplier<Optional<String>> reason) {
        // Readiness as a meter too, so an alert can see a service that answers but can't work.
        io.micrometer.core.instrument.Gauge.builder("herald.ready", () -> ready.getAsBoolean() ? 1 : 0)
                .description("1 while the service can do its work (its /health/ready answers 200), else 0")
                .register(registry);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
            server.createContext("/metrics", exchange -> {
                // A query that is not valid percent-encoding never gets here: the JDK's server answers 400.
                Set<String> names = requestedNames(exchange.getRequestURI().getRawQuery());
                answer(exchange, 200, PROMETHEUS_TEXT,
                        names.isEmpty() ? registry.scrape() : registry.scrape(PROMETHEUS_TEXT, names));
            });
            server.createContext("/health/live", exchange -> answer(exchange, 200, "application/json",
                    "{\"status\":\"UP\"}"));
            server.createContext("/health/ready", exchange -> {
                boolean up = ready.getAsBoolean();
                answer(exchange, up ? 200 : 503, "application/json", up ? "{\"status\":\"UP\"}"
                        : reason.get().map(why -> "{\"status\":\"DOWN\",\"reason\":" + jsonString(why) + "}")
                                .orElse("{\"status\":\"DOWN\"}"));
            });
            server.setExecutor(Executors.newFixedThreadPool(2, task -> {
                Thread thread = new Thread(task, "ops-endpoint");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return new OpsServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("the operations endpoint could not listen on port " + port, e);
        }
    }

    private static String jsonString(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a String always serializes
        }
    }

    /**
     * The series asked for with Prometheus's {@code name[]=...} parameters (empty: all). A scraper that needs a
     * few series then doesn't pay for formatting hundreds (the router's Kafka Streams meters).
     */
    static Set<String> requestedNames(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            if (equals > 0
                    && URLDecoder.decode(parameter.substring(0, equals), StandardCharsets.UTF_8).equals("name[]")) {
                names.add(URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return names;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
