package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.auth.ApiKeys;
import io.herald.runtime.kafka.KafkaClients;
import io.herald.runtime.kafka.TopicInstaller;
import io.herald.schemas.Topics;
import io.herald.testkit.ChildKafka;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batches posted while the broker is killed (SIGKILL, its own process) and started again: a client that posts each
 * batch again after a 503 gets every one accepted soon after the broker is back, not only once the claims of the
 * requests that failed have lapsed (two minutes); and nothing but 200 and 503 is answered.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class BrokerRestartIngestIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CLIENTS = 8;

    @Test
    void batchesFailedByABrokerKillAreAcceptedSoonAfterItIsBack(HeraldInfrastructure infra) throws Exception {
        Path directory = Files.createTempDirectory("broker-restart-ingest");
        try (ChildKafka kafka = ChildKafka.start(directory)) {
            try (Admin admin = KafkaClients.of(kafka.bootstrapServers()).admin(Map.of())) {
                new TopicInstaller(admin).install(Topics.all(), (short) 1);
            }
            try (IngestServer server = IngestServer.start(0, Map.of(
                    "herald.kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "herald.registry.url", infra.registryUrl(),
                    "herald.secrets.keys", TestIngest.KEY_RING,
                    "herald.ingest.ops-port", "0",
                    "herald.ingest.tenant-events-per-second", "0",
                    "herald.ingest.api-keys", "acme:acme-portal:" + ApiKeys.hash(ACME_KEY)))) {
                Map<String, Long> answers = new ConcurrentHashMap<>();
                AtomicBoolean sending = new AtomicBoolean(true);
                long[] backAt = {Long.MAX_VALUE};
                List<Long> acceptedAfterBack = java.util.Collections.synchronizedList(new ArrayList<>());
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                List<Future<Integer>> batches = new ArrayList<>();
                for (int client = 0; client < CLIENTS; client++) {
                    int c = client;
                    batches.add(clients.submit(() -> {
                        int sent = 0;
                        for (int batch = 0; sending.get(); batch++, sent++) {
                            String body = batch(c, batch);
                            while (true) {
                                HttpResponse<String> response = post(server.uri(), body);
                                answers.merge(Integer.toString(response.statusCode()), 1L, Long::sum);
                                if (response.statusCode() == 200) {
                                    if (System.currentTimeMillis() > backAt[0]) {
                                        acceptedAfterBack.add(System.currentTimeMillis() - backAt[0]);
                                    }
                                    break;
                                }
                                Thread.sleep(1_000); // Retry-After
                            }
                        }
                        return sent;
                    }));
                }
                Thread.sleep(3_000);
                kafka.kill();
                Thread.sleep(15_000); // longer than ingest waits for Kafka: requests fail meanwhile
                kafka.startAgain();
                backAt[0] = System.currentTimeMillis();
                Thread.sleep(5_000);
                sending.set(false);
                clients.shutdown();
                assertThat(clients.awaitTermination(150, TimeUnit.SECONDS)).as("every batch accepted").isTrue();

                assertThat(answers.keySet()).as("answers: %s", answers).containsOnly("200", "503");
                assertThat(answers.get("503")).as("the outage was felt").isPositive();
                assertThat(acceptedAfterBack.stream().mapToLong(Long::longValue).max().orElse(0))
                        .as("the last batch accepted after the broker was back, ms after").isLessThan(45_000);
            }
        }
    }

    private static String batch(int client, int batch) {
        StringBuilder events = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 20; i++) {
            events.append(i == 0 ? "" : ",").append("{\"id\":\"evt_restart_").append(client).append('_')
                    .append(batch).append('_').append(i).append("\",\"type\":\"user.created\",\"data\":{\"userId\":"
                    + "\"usr_").append(i).append("\",\"source\":\"test\"}}");
        }
        return events.append("]}").toString();
    }

    private static HttpResponse<String> post(URI base, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/t/acme/api/v1/events"))
                .timeout(Duration.ofSeconds(90)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + ACME_KEY).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
