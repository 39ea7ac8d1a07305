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
import java.util.Map;
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
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ready(server) == 503);
        } finally {
            server.close();
            if (kafkaUp) {
                kafka.close();
            }
        }
    }
}
