package io.herald.bench;

import static io.herald.bench.BenchRun.label;
import static io.herald.bench.BenchRun.log;

import io.herald.deliverer.DelivererConfig;
import io.herald.deliverer.DirectDelivery;
import io.herald.ingest.webhooks.CreatedWebhook;
import io.herald.runtime.config.CommonSettings;
import io.herald.schemas.Deliveries;
import io.herald.schemas.TopicSpec;
import io.herald.schemas.Topics;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.event.IamEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * This machine's ceilings, which Herald's figures are read against: the deliverer's HTTP side alone (its client,
 * signer and egress guard POSTing 1 KiB bodies, no Kafka) and Kafka alone (1 KiB records produced and consumed, no
 * HTTP). The Kafka clients here are plain on purpose, not Herald's.
 */
final class Ceilings {

    /** Enough to keep the receiver busy on loopback (more only adds connections). */
    private static final int CEILING_IN_FLIGHT = 512;

    private final BenchStack stack;

    Ceilings(BenchStack stack) {
        this.stack = stack;
    }

    /** The deliverer's own HTTP client and signer, {@link #CEILING_IN_FLIGHT} requests in flight, no Kafka. */
    BenchResult http(int requests, Duration delay) throws Exception {
        log("HTTP ceiling, %s receiver: %,d requests", label(delay), requests);
        List<CreatedWebhook> webhooks = stack.webhooks("ceiling", 50, 1, BenchStack.Faulty.NONE);
        DelivererConfig config = DelivererConfig.builder(stack.infra.bootstrapServers(),
                stack.infra.registryUrl(), stack.keyRing)
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, BenchStack.LOOPBACK).build();
        try (DirectDelivery direct = DirectDelivery.start(config)) {
            Semaphore inFlight = new Semaphore(CEILING_IN_FLIGHT);
            postDirect(direct, webhooks, requests / 10, inFlight); // warm-up
            LatencyRecorder recorder = stack.receiver.reset();
            long start = System.nanoTime();
            postDirect(direct, webhooks, requests, inFlight);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new BenchResult("ceiling: HTTP only", label(delay), recorder.count(), requests / seconds,
                    recorder.percentiles(), -1, -1, -1, -1);
        } finally {
            stack.delete(webhooks);
        }
    }

    private static void postDirect(
            DirectDelivery direct, List<CreatedWebhook> webhooks, int requests, Semaphore inFlight)
            throws InterruptedException {
        List<CompletableFuture<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            CreatedWebhook webhook = webhooks.get(i % webhooks.size());
            IamEvent event = BenchStack.event(webhook.webhook().getTenant());
            inFlight.acquire();
            sent.add(direct.send(webhook.webhook(), Deliveries.of(event, webhook.webhook(),
                    WebhookPayload.render(event), Instant.now())).whenComplete((status, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    /** Produce and consume the same number of 1 KiB records, no HTTP. */
    BenchResult kafka(int records) throws Exception {
        log("Kafka ceiling: %,d records of 1 KiB", records);
        String topic = "bench.kafka-ceiling";
        stack.infra.kafka().createTopics(List.of(new TopicSpec(topic, Topics.DEFAULT_PARTITIONS, Map.of())));
        byte[] value = new byte[1024];
        CompletableFuture<Long> lastConsumed = new CompletableFuture<>();
        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.infra.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-kafka-ceiling",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                kafka.subscribe(List.of(topic));
                long seen = 0;
                while (seen < records) {
                    seen += kafka.poll(Duration.ofMillis(200)).count();
                }
                lastConsumed.complete(System.nanoTime());
            } catch (RuntimeException e) {
                lastConsumed.completeExceptionally(e);
            }
        }, "bench-kafka-consumer");
        long start;
        // Not idempotent: the raw ceiling, and on a loaded 2-core machine an idempotent producer to a topic created
        // a moment ago was seen resending from sequence 0 and stalling (OutOfOrderSequenceException).
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.infra.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            // A new topic's leaders take a moment to be known; sending before that only measures the wait.
            while (producer.partitionsFor(topic).stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())) {
                Thread.sleep(100);
            }
            start = System.nanoTime();
            consumer.start();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + (i % 1000), value));
            }
        }
        long finished;
        try {
            finished = lastConsumed.get(3, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            consumer.interrupt();
            throw new IllegalStateException("the Kafka ceiling's " + records + " records were not all consumed "
                    + "within 3 minutes");
        }
        double seconds = (finished - start) / 1e9;
        return BenchResult.rate("ceiling: Kafka only", "-", records, records / seconds);
    }
}
