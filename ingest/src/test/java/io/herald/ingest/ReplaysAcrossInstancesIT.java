package io.herald.ingest;

import static io.herald.ingest.TestIngest.ACME_KEY;
import static io.herald.ingest.TestIngest.GLOBEX_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.ingest.ApiClient.Reply;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.Topics;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.replay.Replay;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import io.herald.testkit.TopicRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replays kept on Kafka: started on one instance, read and listed on another, and finished exactly (every delivery
 * queued once) when the instance running one stops or a runner died without a word.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class ReplaysAcrossInstancesIT {

    private static final int EVENTS = 2_000;
    private static final Duration TAKEOVER = Duration.ofSeconds(45);

    private static HeraldInfrastructure infra;
    private static IngestServer first;
    private static IngestServer second;
    private static ApiClient a;
    private static ApiClient b;
    private static Instant since;
    private static final List<String> eventIds = new ArrayList<>();

    @BeforeAll
    static void start(HeraldInfrastructure infrastructure) throws Exception {
        infra = infrastructure;
        first = TestIngest.start(infra);
        second = TestIngest.start(infra);
        a = new ApiClient(first.uri());
        b = new ApiClient(second.uri());
        since = Instant.now().minusSeconds(1);
        for (int batch = 0; batch < EVENTS / 500; batch++) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String id = "evt_replayed_" + batch + "_" + i;
                eventIds.add(id);
                events.add(Map.of("id", id, "type", "user.created", "data", Map.of("userId", "usr_" + i)));
            }
            assertThat(a.call("POST", "/t/acme/api/v1/events", ACME_KEY, Map.of("events", events)).status())
                    .isEqualTo(200);
        }
        assertThat(a.call("POST", "/t/globex/api/v1/events", GLOBEX_KEY, Map.of("id", "evt_other_tenant",
                "type", "user.created", "data", Map.of("userId", "usr_g"))).status()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @Test
    void aReplayStartedOnOneInstanceIsReadAndListedOnTheOtherAndQueuesEveryDeliveryOnce() throws Exception {
        String webhook = webhook("replayed across");
        Reply started = a.call("POST", replays(webhook), ACME_KEY, Map.of("since", since.toString()));
        assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
        String id = started.body().get("id").asText();

        JsonNode onB = b.call("GET", replays(webhook) + "/" + id, ACME_KEY).body();
        assertThat(onB.get("id").asText()).as("readable on the other instance at once").isEqualTo(id);
        JsonNode done = awaitDone(b, webhook, id);
        assertThat(done.get("deliveriesQueued").asLong()).isEqualTo(EVENTS);
        assertThat(done.get("resumes").asInt()).isZero();
        assertThat(b.call("GET", replays(webhook), ACME_KEY).body().get("items").findValuesAsText("id"))
                .containsExactly(id);
        assertThat(b.call("GET", replays(webhook) + "/" + id, GLOBEX_KEY).status()).isEqualTo(404);
        assertThat(deliveriesOf(webhook)).as("each event's delivery once").hasSize(EVENTS)
                .containsExactlyInAnyOrderElementsOf(expectedDeliveries(webhook));
    }

    @Test
    void aReplayWhoseInstanceStopsIsTakenOverAndFinishedExactlyOnceAndReadAfterTheRestart() throws Exception {
        String webhook = webhook("interrupted by a stop");
        Reply started;
        String id;
        try (IngestServer third = TestIngest.start(infra)) {
            started = new ApiClient(third.uri()).call("POST", replays(webhook), ACME_KEY,
                    Map.of("since", since.toString()));
            assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
            id = started.body().get("id").asText();
        } // stopped at once, most likely mid-way
        try (IngestServer restarted = TestIngest.start(infra)) {
            JsonNode done = awaitDone(new ApiClient(restarted.uri()), webhook, id);
            assertThat(done.get("deliveriesQueued").asLong()).isEqualTo(EVENTS);
        }
        assertThat(deliveriesOf(webhook)).as("each event's delivery once, however far the first runner got")
                .hasSize(EVENTS).containsExactlyInAnyOrderElementsOf(expectedDeliveries(webhook));
    }

    @Test
    void aRunnerThatDiedBeforeRecordingAnythingIsSeenInterruptedThenResumed() throws Exception {
        String webhook = webhook("runner died");
        String id = HeraldIds.newReplayId();
        Instant longAgo = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).minus(Duration.ofMinutes(5));
        Map<String, Long> positions = new HashMap<>();
        Map<String, Long> ends = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = io.herald.runtime.kafka.KafkaClients.of(
                infra.bootstrapServers()).consumer(null, Map.of(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> query = new HashMap<>();
            consumer.partitionsFor(Topics.USER_EVENTS).forEach(p -> query.put(
                    new TopicPartition(p.topic(), p.partition()), since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query);
            Map<TopicPartition, Long> latest = consumer.endOffsets(query.keySet());
            starts.forEach((partition, start) -> {
                if (start != null) {
                    positions.put(partition.topic() + ':' + partition.partition(), start.offset());
                    ends.put(partition.topic() + ':' + partition.partition(), latest.get(partition));
                }
            });
        }
        Replay orphan = Replay.newBuilder().setId(id).setTenant("acme").setWebhookId(webhook).setSince(since)
                .setUntil(Instant.now()).setState("RUNNING").setEventsRead(0).setDeliveriesQueued(0)
                .setStartedAt(longAgo).setStartedBy("key:acme-portal").setUpdatedAt(longAgo)
                .setPositions(positions).setEnds(ends).setResumes(0).build();
        try (KafkaProducer<String, Replay> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                infra.bootstrapServers()), new StringSerializer(),
                HeraldSerdes.<Replay>valueSerializer(infra.registryUrl()))) {
            producer.send(new ProducerRecord<>(Topics.REPLAYS, id, orphan)).get();
        }

        JsonNode seen = awaitState(b, webhook, id, Set.of("INTERRUPTED", "RUNNING", "DONE"));
        assertThat(seen.get("startedAt").asText()).isEqualTo(longAgo.toString());
        JsonNode done = awaitDone(a, webhook, id);
        assertThat(done.get("resumes").asInt()).as("taken over (twice when two instances raced for it)")
                .isBetween(1, 2);
        assertThat(done.get("deliveriesQueued").asLong()).isEqualTo(EVENTS);
        assertThat(deliveriesOf(webhook)).hasSize(EVENTS).containsExactlyInAnyOrderElementsOf(
                expectedDeliveries(webhook));
    }

    private static String webhook(String name) throws Exception {
        Reply created = a.call("POST", "/t/acme/api/v1/webhooks", ACME_KEY, Map.of("name", name,
                "url", "https://hooks.example.com/replays", "eventTypes", List.of("user.created")));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        return created.body().get("webhook").get("id").asText();
    }

    private static String replays(String webhook) {
        return "/t/acme/api/v1/webhooks/" + webhook + "/replays";
    }

    private static JsonNode awaitDone(ApiClient api, String webhook, String id) throws Exception {
        JsonNode done = awaitState(api, webhook, id, Set.of("DONE", "FAILED"));
        assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
        return done;
    }

    private static JsonNode awaitState(ApiClient api, String webhook, String id, Set<String> states)
            throws Exception {
        long deadline = System.nanoTime() + TAKEOVER.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Reply reply = api.call("GET", replays(webhook) + "/" + id, ACME_KEY);
            if (reply.status() == 200) {
                last = reply.body();
                if (states.contains(last.get("state").asText())) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replay " + id + " not in " + states + " within " + TAKEOVER + ": " + last);
    }

    private static List<String> deliveriesOf(String webhook) {
        try (var values = HeraldSerdes.<Delivery>valueDeserializer(infra.registryUrl())) {
            return TopicRecords.all(infra.bootstrapServers(), Topics.DELIVERIES, new StringDeserializer(), values)
                    .stream().filter(record -> webhook.equals(record.key()))
                    .map(record -> record.value().getId()).toList();
        }
    }

    private static Set<String> expectedDeliveries(String webhook) {
        Set<String> ids = new HashSet<>();
        eventIds.forEach(event -> ids.add(HeraldIds.deliveryId(event, webhook)));
        return ids;
    }
}
