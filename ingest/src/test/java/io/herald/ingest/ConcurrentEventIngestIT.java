package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.ingest.ApiClient.Reply;
import io.herald.schemas.Topics;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same event ids posted to two ingest instances at the same moment: each is published exactly once; and
 * concurrent requests to one instance share its Kafka transactions.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class ConcurrentEventIngestIT {

    private static final String EVENTS = "/t/acme/api/v1/events";

    private static HeraldInfrastructure infra;
    private static IngestServer first;
    private static IngestServer second;

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) {
        infra = infrastructure;
        first = TestIngest.start(infra);
        second = TestIngest.start(infra);
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @Test
    void everyIdPostedToBothInstancesAtOnceIsPublishedOnceAndBothAnswersNameTheSameRecord() throws Exception {
        int ids = 1_000;
        List<ApiClient> instances = List.of(new ApiClient(first.uri()), new ApiClient(second.uri()));
        ExecutorService clients = Executors.newFixedThreadPool(16);
        Map<String, List<Future<Reply>>> replies = new HashMap<>();
        try {
            for (int i = 0; i < ids; i++) {
                String id = "evt_both_" + i;
                Map<String, Object> event = Map.of("id", id, "type", "user.updated",
                        "data", Map.of("userId", "usr_both_" + (i % 37), "changedFields", List.of("email")));
                CountDownLatch together = new CountDownLatch(2); // both posts of an id leave at the same moment
                List<Future<Reply>> pair = new ArrayList<>();
                for (ApiClient instance : instances) {
                    pair.add(clients.submit(() -> {
                        together.countDown();
                        together.await();
                        return instance.call("POST", EVENTS, ACME_KEY, event);
                    }));
                }
                replies.put(id, pair);
            }
            for (Map.Entry<String, List<Future<Reply>>> entry : replies.entrySet()) {
                List<JsonNode> answers = new ArrayList<>();
                for (Future<Reply> reply : entry.getValue()) {
                    Reply answered = reply.get();
                    assertThat(answered.status()).as(answered.body().toString()).isEqualTo(200);
                    answers.add(answered.body().get("events").get(0));
                }
                assertThat(answers).as(entry.getKey() + ": one answer publishes, the other is the duplicate")
                        .extracting(answer -> answer.get("duplicate").asBoolean()).containsExactlyInAnyOrder(false, true);
                assertThat(answers.get(0).get("offset")).isEqualTo(answers.get(1).get("offset"));
                assertThat(answers.get(0).get("partition")).isEqualTo(answers.get(1).get("partition"));
            }
        } finally {
            clients.shutdownNow();
        }

        Map<String, Long> copies = copiesOnTheUserTopic("evt_both_");
        assertThat(copies).hasSize(ids);
        assertThat(copies.values()).as("records per id on the event topic").containsOnly(1L);
    }

    @Test
    void concurrentSingleEventPostsShareTransactionsAndEachIsPublishedOnce() throws Exception {
        int requests = 300;
        String metrics = "http://localhost:" + first.opsPort();
        double transactionsBefore = meter(metrics, "herald_ingest_transaction_requests_count");
        double requestsBefore = meter(metrics, "herald_ingest_transaction_requests_sum");
        ApiClient api = new ApiClient(first.uri());
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<Future<Reply>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < requests; i++) {
                Map<String, Object> event = Map.of("id", "evt_shared_" + i, "type", "user.updated",
                        "data", Map.of("userId", "usr_shared_" + (i % 41), "changedFields", List.of("email")));
                replies.add(clients.submit(() -> api.call("POST", EVENTS, ACME_KEY, event)));
            }
            for (Future<Reply> reply : replies) {
                Reply answered = reply.get();
                assertThat(answered.status()).as(answered.body().toString()).isEqualTo(200);
                assertThat(answered.body().get("events").get(0).get("duplicate").asBoolean()).isFalse();
            }
        } finally {
            clients.shutdownNow();
        }

        double transactions = meter(metrics, "herald_ingest_transaction_requests_count") - transactionsBefore;
        assertThat(meter(metrics, "herald_ingest_transaction_requests_sum") - requestsBefore)
                .as("every request committed once").isEqualTo(requests);
        assertThat(transactions).as("32 clients at once: requests waiting for a commit share the next one")
                .isLessThan(requests * 0.8);
        Map<String, Long> copies = copiesOnTheUserTopic("evt_shared_");
        assertThat(copies).hasSize(requests);
        assertThat(copies.values()).as("records per id on the event topic").containsOnly(1L);
        assertThat(TopicRecords.countContaining(infra.bootstrapServers(), Topics.EVENT_RECEIPTS, "evt_shared_"))
                .as("a receipt per event, in its transaction").isEqualTo(requests);
    }

    /** Records per event id on the user events topic, of the ids that start with {@code prefix}. */
    private static Map<String, Long> copiesOnTheUserTopic(String prefix) {
        Map<String, Long> copies = new HashMap<>();
        try (var values = HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl())) {
            TopicRecords.all(infra.bootstrapServers(), Topics.USER_EVENTS, new StringDeserializer(), values).stream()
                    .map(record -> record.value().getId())
                    .filter(id -> id.startsWith(prefix))
                    .forEach(id -> copies.merge(id, 1L, Long::sum));
        }
        return copies;
    }

    /** A meter's value from the Prometheus scrape (0 before its first sample). */
    private static double meter(String metrics, String name) throws Exception {
        String scrape = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(metrics + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return scrape.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
