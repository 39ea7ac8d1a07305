package io.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestServerIT {

    @Test
    void servesTheEventCatalogAndHealth() throws Exception {
        try (IngestServer server = IngestServer.start(0, Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> catalog = http.send(HttpRequest.newBuilder(
                    server.uri().resolve("/api/v1/event-types")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    server.uri().resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(catalog.statusCode()).isEqualTo(200);
            assertThat(catalog.body()).contains(
                    "{\"type\":\"security.brute_force\",\"family\":\"security\",\"topic\":\"iam.security\"",
                    "\"dataFields\":[\"ipAddress\",\"targetUserId\",\"failedAttempts\",\"windowSeconds\",\"blocked\"]");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("UP");
        }
    }
}
