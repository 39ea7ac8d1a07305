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
