package io.herald.runtime.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void servesEverySeriesOrOnlyThoseAskedForByName() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("jvm.memory.used", () -> 42).baseUnit("bytes").tag("area", "heap").register(registry);
        Counter.builder("herald.deliveries").tag("result", "delivered").register(registry).increment(3);
        try (OpsServer server = OpsServer.start(0, registry, () -> true)) {
            String all = get(server, "/metrics");
            String heapOnly = get(server, "/metrics?name%5B%5D=jvm_memory_used_bytes");

            assertThat(all).contains("jvm_memory_used_bytes{area=\"heap\"} 42", "herald_deliveries_total",
                    "herald_ready 1");
            assertThat(heapOnly).contains("jvm_memory_used_bytes{area=\"heap\"} 42")
                    .doesNotContain("herald_deliveries_total", "herald_ready");
        }
    }

    @Test
    void aMalformedQueryGets400() throws Exception {
        try (OpsServer server = OpsServer.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true);
             java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            // Sent raw: Java's own clients refuse to build such a URI.
            socket.getOutputStream().write(("GET /metrics?name[]=%zz HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void readsRepeatedNameParametersAndIgnoresOthers() {
        assertThat(OpsServer.requestedNames("name[]=a_total&x=1&name%5B%5D=b_bytes")).containsExactly("a_total",
                "b_bytes");
        assertThat(OpsServer.requestedNames(null)).isEmpty();
        assertThat(OpsServer.requestedNames("debug=true")).isEmpty();
    }

    private static String get(OpsServer server, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
