package io.herald.deliverer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.schemas.Topics;
import io.herald.runtime.security.SecretCipher;
import io.herald.testkit.EmbeddedKafka;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness against a broker that really goes away: a deliverer on its own broker is ready, and turns not-ready
 * (while staying live) when that broker stops, so Kubernetes takes it out of service instead of restarting it.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class DelivererReadinessIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void readyWhileItsBrokerAnswersAndNotReadyOnceTheBrokerIsLost(HeraldInfrastructure infra) throws Exception {
        EmbeddedKafka broker = EmbeddedKafka.start(); // its own, so the shared one stays up for the other tests
        boolean brokerStopped = false;
        try {
            broker.createTopics(Topics.all());
            HeraldDeliverer deliverer = HeraldDeliverer.start(DelivererConfig.builder(broker.bootstrapServers(), infra.registryUrl(), "r:" + SecretCipher.generateKey())
                .set(DelivererConfig.GROUP_ID, "readiness-it")
                .set(DelivererConfig.SHUTDOWN_GRACE, Duration.ofSeconds(1)).build());
            try {
                String ops = "http://localhost:" + deliverer.opsPort();
                await().atMost(Duration.ofSeconds(20)).until(() -> status(ops + "/health/ready") == 200);

                broker.close();
                brokerStopped = true;

                await().atMost(Duration.ofSeconds(20)).until(() -> status(ops + "/health/ready") == 503);
                assertThat(status(ops + "/health/live")).as("alive: no restart for a lost broker").isEqualTo(200);
                String scraped = HTTP.send(HttpRequest.newBuilder(URI.create(ops + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(scraped).containsPattern("(?m)^herald_ready\\{service=\"deliverer\"} 0\\.0$");
            } finally {
                deliverer.close();
            }
        } finally {
            if (!brokerStopped) {
                broker.close();
            }
        }
    }

    private static int status(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
