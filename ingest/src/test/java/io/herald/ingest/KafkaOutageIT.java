package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.auth.ApiKeys;
import io.herald.schemas.Topics;
import io.herald.testkit.EmbeddedKafka;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An ingest whose broker goes away answers 503 with Retry-After (never a 500), and says it is not ready. Runs on a
 * broker of its own, which it stops; the shared registry stays up.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class KafkaOutageIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> call(URI base, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + ACME_KEY).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int ready(IngestServer server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.opsPort() + "/health/ready"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aLostBrokerIsA503WithRetryAfterAndNotReadyNeverA500(HeraldInfrastructure infra) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        boolean kafkaUp = true;
        kafka.createTopics(Topics.all());
        IngestServer server = IngestServer.start(0, Map.of(
                "herald.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "herald.registry.url", infra.registryUrl(),
                "herald.secrets.keys", TestIngest.KEY_RING,
                "herald.ingest.ops-port", "0",
                "herald.ingest.api-keys", "acme:acme-portal:" + ApiKeys.hash(ACME_KEY)));
        try {
            String event = "{\"type\":\"user.created\",\"data\":{\"userId\":\"usr_outage\"}}";
            assertThat(call(server.uri(), "POST", "/t/acme/api/v1/events", event).statusCode()).isEqualTo(200);

            kafka.close();
            kafkaUp = false;

            for (String[] request : new String[][] {
                    {"POST", "/t/acme/api/v1/events", event},
                    {"GET", "/t/acme/api/v1/webhooks", null},
                    {"POST", "/t/acme/api/v1/webhooks", "{\"name\":\"n\",\"url\":\"https://hooks.acme.test/\","
                            + "\"eventTypes\":[\"*\"]}"}}) {
                HttpResponse<String> response = call(server.uri(), request[0], request[1], request[2]);
                assertThat(response.statusCode()).as(request[0] + " " + request[1] + ": " + response.body())
                        .isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(response.body()).startsWith("{\"error\":").doesNotContain("Exception");
            }
            // Every other route too, all at once (each may wait its timeouts out): a 503 or a 4xx, never a 500.
            List<String[]> routes = new ArrayList<>();
            server.bean(io.micronaut.web.router.Router.class).uriRoutes().forEach(route -> {
                String template = route.getUriMatchTemplate().toPathString();
                boolean answersLikeGet = route.getHttpMethodName().equals("HEAD")
                        || route.getHttpMethodName().equals("OPTIONS");
                if (!answersLikeGet && (template.startsWith("/t/{tenant}/")
                        || template.startsWith("/api/v1/api-keys"))) {
                    routes.add(new String[] {route.getHttpMethodName(), template.replace("{tenant}", "acme")
                            .replaceAll("\\{[^}]+}", "wh_00000000000000000000000000")});
                }
            });
            assertThat(routes).hasSizeGreaterThan(15);
            ExecutorService clients = Executors.newFixedThreadPool(routes.size()); // each may wait 10 s
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (String[] route : routes) {
                    answers.add(clients.submit(() -> {
                        HttpResponse<String> response = call(server.uri(), route[0], route[1],
                                route[0].equals("GET") ? null : "{\"since\":\"2026-01-01T00:00:00Z\"}");
                        int status = response.statusCode();
                        boolean fine = status == 503 ? response.headers().firstValue("Retry-After").isPresent()
                                : status >= 400 && status < 500;
                        return fine ? null : route[0] + " " + route[1] + " answered " + status + ": "
                                + response.body();
                    }));
                }
                List<String> wrong = new ArrayList<>();
                for (Future<String> answer : answers) {
                    if (answer.get() != null) {
                        wrong.add(answer.get());
                    }
                }
                assertThat(wrong).as("answers that are neither a 503 with Retry-After nor a 4xx").isEmpty();
            } finally {
                clients.shutdownNow();
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ready(server) == 503);
            Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + server.opsPort() + "/health/ready"))
                            .build(), HttpResponse.BodyHandlers.ofString()).body()).as("readiness says what is down")
                    .contains("Kafka does not answer at " + kafka.bootstrapServers()));
        } finally {
            server.close();
            if (kafkaUp) {
                kafka.close();
            }
        }
    }
}
