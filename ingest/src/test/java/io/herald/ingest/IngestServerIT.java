package io.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(HeraldInfrastructureExtension.class)
class IngestServerIT {

    @Test
    void servesTheEventCatalogHealthAndOpenApiDocumentWithoutAKey(HeraldInfrastructure infra) throws Exception {
        try (IngestServer server = TestIngest.start(infra)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> catalog = http.send(HttpRequest.newBuilder(
                    server.uri().resolve("/api/v1/event-types")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    server.uri().resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(catalog.statusCode()).isEqualTo(200);
            assertThat(catalog.body()).contains(
                    "{\"type\":\"security.brute_force\",\"family\":\"security\",\"topic\":\"iam.security\"",
                    "\"dataFields\":[\"ipAddress\",\"targetUserId\",\"failedAttempts\",\"windowSeconds\",\"blocked\"]");
            HttpResponse<String> schema = http.send(HttpRequest.newBuilder(
                    server.uri().resolve("/api/v1/event-types/org.membership.created/schema")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(schema.statusCode()).isEqualTo(200);
            assertThat(schema.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/schema+json"));
            assertThat(schema.body()).contains("\"$schema\" : \"https://json-schema.org/draft/2020-12/schema\"",
                    "\"const\" : \"org.membership.created\"", "\"organizationId\"");
            assertThat(http.send(HttpRequest.newBuilder(server.uri().resolve("/api/v1/event-types/user.craeted/schema"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("UP");

            HttpResponse<String> openApi = http.send(HttpRequest.newBuilder(
                    server.uri().resolve("/openapi/herald-management-api-0.1.yml")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(openApi.statusCode()).isEqualTo(200);
            assertThat(openApi.body()).contains("openapi: 3", "/t/{tenant}/api/v1/webhooks/{id}/secret/rotate:",
                    "operationId: createWebhook", "operationId: listAudit", "scheme: bearer");
        }
    }

    @Test
    void refusesToStartWithoutItsConfiguration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IngestServer.start(0, java.util.Map.of()))
                .hasStackTraceContaining("herald.kafka.bootstrap-servers (env HERALD_KAFKA_BOOTSTRAP_SERVERS) is "
                        + "required");
    }
}
