package io.herald.ingest;

import io.herald.ingest.auth.TenantScope;
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

    /**
     * The Kafka views and the operations port are up before the API server binds its port: readiness waits for the
     * server, else a load balancer's first requests to a new pod are refused.
     */
    @Test
    void isReadyOnlyOnceTheApiServerListens(HeraldInfrastructure infra) throws Exception {
        try (io.micronaut.context.ApplicationContext context = io.micronaut.context.ApplicationContext.builder()
                .environments(IngestServer.ENVIRONMENT).deduceEnvironment(false)
                .properties(java.util.Map.of("herald.ingest.port", 0))
                .properties(TestIngest.settings(infra, java.util.Map.of())).start()) {
            HttpClient http = HttpClient.newHttpClient();
            java.net.URI ready = java.net.URI.create("http://127.0.0.1:"
                    + context.getBean(io.herald.ingest.ops.IngestOperations.class).port() + "/health/ready");
            // once everything Kafka-backed is ready, only the server is missing
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(ready).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(503);
                assertThat(answer.body()).contains("the API server is not listening yet");
            });

            io.micronaut.runtime.server.EmbeddedServer server = context.getBean(
                    io.micronaut.runtime.server.EmbeddedServer.class).start();
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> http.send(
                        HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200);
            } finally {
                server.stop(); // stops the context too
            }
        }
    }

    /**
     * Tenant scoping is the framework's job: every route under /t/{tenant}/ takes a TenantScope (the binder
     * authenticates the key and checks the tenant before the route runs), and every other route is one of the few
     * public ones. A new route that forgets its scope fails here instead of leaking across tenants.
     */
    @Test
    void everyTenantRouteDeclaresItsScopeAndNoOtherRouteIsPrivate(HeraldInfrastructure infra) {
        java.util.Set<String> publicRoutes = java.util.Set.of("/api/v1/event-types", "/api/v1/event-types/{type}/schema",
                "/health", "/health/{selector}", "/openapi/**");
        try (IngestServer server = TestIngest.start(infra)) {
            java.util.List<String> routes = new java.util.ArrayList<>();
            server.bean(io.micronaut.web.router.Router.class).uriRoutes().forEach(route -> {
                String template = route.getUriMatchTemplate().toPathString();
                boolean scoped = java.util.Arrays.stream(route.getTargetMethod().getArguments())
                        .anyMatch(argument -> argument.getType() == io.herald.ingest.auth.TenantScope.class);
                boolean operatorOnly = java.util.Arrays.stream(route.getTargetMethod().getArguments())
                        .anyMatch(argument -> argument.getType() == io.herald.ingest.auth.OperatorScope.class);
                routes.add(route.getHttpMethodName() + " " + template);
                if (template.startsWith("/t/{tenant}/")) {
                    assertThat(scoped).as(route.getHttpMethodName() + " " + template + " takes a TenantScope")
                            .isTrue();
                } else if (template.startsWith("/api/v1/api-keys")) {
                    assertThat(operatorOnly).as(route.getHttpMethodName() + " " + template + " takes an "
                            + "OperatorScope").isTrue();
                } else {
                    assertThat(template).as(route.getHttpMethodName() + " " + template + " is public")
                            .isIn(publicRoutes);
                }
            });
            assertThat(routes).as("the routes found").contains("POST /t/{tenant}/api/v1/webhooks",
                    "GET /t/{tenant}/api/v1/audit", "POST /t/{tenant}/api/v1/events", "POST /api/v1/api-keys",
                    "DELETE /api/v1/api-keys/{id}");
        }
    }

    @Test
    void refusesToStartWithoutItsConfiguration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IngestServer.start(0, java.util.Map.of()))
                .hasStackTraceContaining("herald.kafka.bootstrap-servers (env HERALD_KAFKA_BOOTSTRAP_SERVERS) is "
                        + "required");
    }
}
