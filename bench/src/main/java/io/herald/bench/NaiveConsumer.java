package io.herald.bench;

import static io.herald.bench.BenchRun.label;
import static io.herald.bench.BenchRun.log;

import io.herald.schemas.Topics;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.event.IamEvent;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.signatures.WebhookSignatures;
import io.herald.testkit.ConsumerGroups;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The yardstick Herald is compared with: the consumer a team writes in an afternoon (plain Kafka client on purpose). */
final class NaiveConsumer {

    private final BenchStack stack;

    NaiveConsumer(BenchStack stack) {
        this.stack = stack;
    }

    /** What a team writes in an afternoon: poll, one synchronous signed POST per record, commit. */
    BenchResult run(int events, Duration delay) throws Exception {
        log("naive consumer, %s receiver: %,d events", label(delay), events);
        String tenant = stack.unique("bench-naive");
        String group = tenant;
        ConsumerGroups.startAtEnd(stack.infra.bootstrapServers(), group, List.of(Topics.AUTH_EVENTS));
        for (int i = 0; i < events; i++) {
            stack.publisher.publish(BenchStack.event(tenant));
        }
        stack.publisher.flush();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI url = URI.create(stack.receiver.url("/ok/" + tenant));
        String secret = io.herald.signatures.WebhookSecrets.generate();
        LatencyRecorder recorder = stack.receiver.reset();
        long start = System.nanoTime();
        int posted = 0;
        try (KafkaConsumer<String, IamEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), HeraldSerdes.<IamEvent>valueDeserializer(stack.infra.registryUrl()))) {
            consumer.subscribe(List.of(Topics.AUTH_EVENTS));
            while (posted < events) {
                for (ConsumerRecord<String, IamEvent> record : consumer.poll(Duration.ofMillis(500))) {
                    IamEvent event = record.value();
                    if (event == null || !tenant.equals(event.getTenant())) {
                        continue;
                    }
                    String body = WebhookPayload.render(event);
                    long timestamp = Instant.now().getEpochSecond();
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url)
                            .header("content-type", "application/json")
                            .header("webhook-id", event.getId())
                            .header("webhook-timestamp", Long.toString(timestamp))
                            .header("webhook-signature", WebhookSignatures.standard(secret, event.getId(), timestamp,
                                    body))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() / 100 == 2) {
                        posted++;
                    }
                }
                consumer.commitSync();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return BenchResult.rate("naive consumer (sync POST)", label(delay), posted, posted / seconds);
    }
}
