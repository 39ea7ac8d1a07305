package io.herald.deploy.bench;

import io.herald.router.RouterConfig;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.Durations;
import io.herald.deliverer.DelivererConfig;
import io.herald.deliverer.DirectDelivery;
import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublisherConfig;
import io.herald.ingest.webhooks.CreatedWebhook;
import io.herald.ingest.webhooks.WebhookDefinition;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.schemas.Deliveries;
import io.herald.schemas.IamEvents;
import io.herald.schemas.TopicSpec;
import io.herald.schemas.Topics;
import io.herald.schemas.WebhookPayload;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.schemas.event.IamEvent;
import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookSignatures;
import io.herald.schemas.serde.HeraldSerdes;
import io.herald.testkit.ConsumerGroups;
import io.herald.testkit.HeraldInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The machinery of one benchmark run: the broker and registry in this JVM, the router and the deliverer in their
 * own JVMs (their CPU and heap are measured apart from the broker's and the receiver's), the receiver, and the
 * scenarios.
 */
final class BenchRun implements AutoCloseable {

    static final Duration REALISTIC = Duration.ofMillis(50);
    /** The scenario name of the unrecorded runs. */
    private static final String WARM_UP = "warm-up";
    /** Enough to keep the receiver busy on loopback (more only adds connections). */
    private static final int CEILING_IN_FLIGHT = 512;
    private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"));
    /**
     * The deliverers' attempt timeout and circuit open period. A faulty run leaves work behind: requests that time
     * out, deliveries held back that come back (to deleted webhooks) a timeout or an open period later. With the
     * defaults (30 s) that aftermath landed in whichever run came 30 s later, on 2 cores; with 5 s it is over, and
     * waited for, before the next run starts.
     */
    static final Duration FAULT_SETTLE = Duration.ofSeconds(5);
    /** Sized so that the webhook body is about 1 KiB, like the ceilings' records. */
    private static final String USER_AGENT = "Mozilla/5.0 (bench) " + "x".repeat(620);

    private final Path out;
    private final Path work;
    private final HeraldInfrastructure infra;
    private final BenchReceiver receiver;
    private final String keyRing;
    private final WebhookStore store;
    private final HeraldPublisher publisher;
    private final ServiceProcess router;
    private final List<ServiceProcess> deliverers = new ArrayList<>();
    private int sequence;
    /** A scenario run several times in turn with the others compared with it. */
    private record Compared(String name, Faulty faulty, List<BenchResult> runs) {
        Compared(String name, Faulty faulty) {
            this(name, faulty, new ArrayList<>());
        }
    }

    /** The run with the median throughput (the lower middle one of an even count). */
    static BenchResult median(List<BenchResult> runs) {
        List<BenchResult> sorted = runs.stream().sorted(Comparator.comparingDouble(BenchResult::perSecond)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** The JIT compilers' share of the services' CPU in a warm-up round below which warming up stops. */
    static final double JIT_SETTLED_SHARE = 0.15;

    private int warmUpRounds;
    private boolean closed;

    private BenchRun(Path out, Path work) throws Exception {
        this.out = out;
        this.work = work;
        System.out.println("Starting Kafka, the registry, the receiver, the router and a deliverer...");
        infra = HeraldInfrastructure.start(work.resolve("kafka"), out.resolve("registry.log"));
        receiver = BenchReceiver.start();
        keyRing = "bench:" + SecretCipher.generateKey();
        store = WebhookStore.create(infra.kafkaClients(), infra.registryUrl(), SecretCipher.fromKeyRing(keyRing),
                new ForbiddenAddresses(LOOPBACK));
        publisher = HeraldPublisher.create(PublisherConfig.of(infra.bootstrapServers(), infra.registryUrl(),
                "herald-bench"));
        router = ServiceProcess.start("router", "io.herald.router.RouterMain",
                RouterConfig.OPS_PORT.environmentVariable(),
                Map.of(CommonSettings.KAFKA_BOOTSTRAP_SERVERS.environmentVariable(), infra.bootstrapServers(),
                        CommonSettings.REGISTRY_URL.environmentVariable(), infra.registryUrl(),
                        RouterConfig.STATE_DIR.environmentVariable(), work.resolve("router-state").toString()),
                out.resolve("router.log"));
        deliverers.add(startDeliverer());
    }

    static BenchRun start(Path out) throws Exception {
        return new BenchRun(out, Files.createTempDirectory("herald-bench-"));
    }

    private ServiceProcess startDeliverer() throws IOException, InterruptedException {
        String name = "deliverer-" + (deliverers.size() + 1);
        return ServiceProcess.start(name, "io.herald.deliverer.DelivererMain",
                DelivererConfig.OPS_PORT.environmentVariable(),
                Map.of(CommonSettings.KAFKA_BOOTSTRAP_SERVERS.environmentVariable(), infra.bootstrapServers(),
                        CommonSettings.REGISTRY_URL.environmentVariable(), infra.registryUrl(),
                        CommonSettings.SECRET_KEYS.environmentVariable(), keyRing,
                        CommonSettings.EGRESS_ALLOWED_NETWORKS.environmentVariable(), "127.0.0.0/8",
                        DelivererConfig.SESSION_TIMEOUT.environmentVariable(), "10s",
                        DelivererConfig.DEFAULT_TIMEOUT.environmentVariable(), Durations.format(FAULT_SETTLE),
                        DelivererConfig.CIRCUIT_OPEN_FOR.environmentVariable(), Durations.format(FAULT_SETTLE)),
                out.resolve(name + ".log"));
    }

    /**
     * Runs the scenarios whose {@code "scenario, receiver"} label (one of {@link BenchOptions#SCENARIOS}) the filter
     * accepts, after the unrecorded warm-up;
     * the steady-load run needs the instant fan-out 1 result, its 100 % mark.
     */
    List<BenchResult> all(BenchPlan plan, Predicate<String> selected) throws Exception {
        List<BenchResult> results = new ArrayList<>();
        warmUp(plan);
        for (Duration delay : List.of(Duration.ZERO, REALISTIC)) {
            receiver.delay(delay);
            if (wanted(selected, "ceiling: HTTP only, " + label(delay))) {
                results.add(httpCeiling(plan.httpRequests(), delay));
            }
        }
        receiver.delay(Duration.ZERO);
        if (wanted(selected, "ceiling: Kafka only, -")) {
            results.add(kafkaCeiling(plan.kafkaRecords()));
        }
        for (Duration delay : List.of(Duration.ZERO, REALISTIC)) {
            receiver.delay(delay);
            String receiverLabel = ", " + label(delay);
            if (wanted(selected, "herald fan-out 1" + receiverLabel)) {
                results.add(herald("herald fan-out 1", 50, 1, plan.fanOutOneEvents(), Faulty.NONE, delay));
            }
            // Isolation is judged against fan-out 10, and single runs of a few seconds move by 20-30 % on 2 cores:
            // the three run in turn, plan.comparedRuns() times, and each reports its median run.
            List<Compared> compared = new ArrayList<>();
            if (wanted(selected, "herald fan-out 10" + receiverLabel)) {
                compared.add(new Compared("herald fan-out 10", Faulty.NONE));
            }
            if (wanted(selected, "isolation: 10% black-holed" + receiverLabel)) {
                compared.add(new Compared("isolation: 10% black-holed", Faulty.BLACK_HOLE));
            }
            if (wanted(selected, "isolation: 10% answer 503" + receiverLabel)) {
                compared.add(new Compared("isolation: 10% answer 503", Faulty.UNAVAILABLE));
            }
            for (int run = 0; run < plan.comparedRuns(); run++) {
                for (Compared scenario : compared) {
                    scenario.runs().add(herald(scenario.name(), 10, 10, plan.fanOutTenEvents(), scenario.faulty(),
                            delay));
                }
            }
            compared.stream().filter(c -> c.faulty() == Faulty.NONE).forEach(c -> results.add(median(c.runs())));
            if (wanted(selected, "naive consumer (sync POST)" + receiverLabel)) {
                results.add(naive(delay.isZero() ? plan.naiveEvents() : plan.naiveSlowEvents(), delay));
            }
            compared.stream().filter(c -> c.faulty() != Faulty.NONE).forEach(c -> results.add(median(c.runs())));
        }
        receiver.delay(Duration.ZERO);
        if (wanted(selected, "scale-out: 2 deliverers, fan-out 10, instant")) {
            deliverers.add(startDeliverer());
            Thread.sleep(15_000); // the group rebalances onto both (their session timeout is 10 s)
            for (int round = 0; round < 2; round++) { // the newcomer compiles its hot paths too
                herald(WARM_UP, 10, 10, plan.fanOutTenEvents() / 2, Faulty.NONE, Duration.ZERO);
            }
            results.add(herald("scale-out: 2 deliverers, fan-out 10", 10, 10, plan.fanOutTenEvents(), Faulty.NONE,
                    Duration.ZERO));
            deliverers.remove(1).close();
        }
        Optional<Double> capacity = results.stream().filter(r -> r.scenario().equals("herald fan-out 1")
                && r.receiver().equals("instant")).findFirst().map(BenchResult::perSecond);
        if (wanted(selected, "steady load at 50% of capacity, instant")) {
            if (capacity.isPresent()) {
                results.add(steady(capacity.get() / 2, plan.steadyFor()));
            } else {
                log("steady load skipped: it needs the instant fan-out 1 run to know the capacity");
            }
        }
        return results;
    }

    /** Whether to run a scenario; its label must be one that {@code --only} knows of. */
    private static boolean wanted(Predicate<String> selected, String label) {
        if (!BenchOptions.SCENARIOS.contains(label)) {
            throw new IllegalStateException("scenario '" + label + "' is missing from BenchOptions.SCENARIOS");
        }
        return selected.test(label);
    }

    /**
     * Unrecorded passes through everything measured, fan-out 1 repeated until the JIT compilers have mostly done
     * their work (their threads under {@link #JIT_SETTLED_SHARE} of the services' CPU in a round, after at least
     * {@code plan.minWarmUpRounds()}) or {@code plan.maxWarmUpRounds()} rounds or {@code plan.warmUpBudget()}: on 2
     * cores the compilers take a large share of the CPU for the first minutes, and the figures should be those of a
     * service that has been running for a while.
     */
    private void warmUp(BenchPlan plan) throws Exception {
        log("warm-up (not recorded)");
        long deadline = System.nanoTime() + plan.warmUpBudget().toNanos();
        httpCeiling(plan.httpRequests() / 2, Duration.ZERO);
        for (int round = 1; round <= plan.maxWarmUpRounds(); round++) {
            // A tenth of the webhooks failing, black-holed and answering 503 in turn: the deferral and retry paths
            // that the isolation runs take get compiled too, not in the first of their measured runs.
            BenchResult result = herald(WARM_UP, 50, 1, plan.fanOutOneEvents() / 2,
                    round % 2 == 1 ? Faulty.BLACK_HOLE : Faulty.UNAVAILABLE, Duration.ZERO);
            double jitShare = result.cpuMsPerThousandWithoutJit() < 0 ? 0
                    : 1 - result.cpuMsPerThousandWithoutJit() / result.cpuMsPerThousand();
            log("warm-up round %d: %.3f ms CPU per delivery, %.0f%% of it JIT compilation", round,
                    result.cpuMsPerThousand() / 1000, jitShare * 100);
            warmUpRounds = round;
            if (round >= plan.minWarmUpRounds() && (jitShare <= JIT_SETTLED_SHARE || System.nanoTime() > deadline)) {
                break;
            }
        }
        herald(WARM_UP, 10, 10, plan.fanOutTenEvents() / 2, Faulty.NONE, Duration.ZERO);
        naive(plan.naiveEvents() / 2, Duration.ZERO);
    }

    /** How many fan-out 1 warm-up rounds ran before the measured scenarios. */
    int warmUpRounds() {
        return warmUpRounds;
    }

    /** The deliverer's own HTTP client and signer, {@link #CEILING_IN_FLIGHT} requests in flight, no Kafka. */
    private BenchResult httpCeiling(int requests, Duration delay) throws Exception {
        log("HTTP ceiling, %s receiver: %,d requests", label(delay), requests);
        List<CreatedWebhook> webhooks = webhooks("ceiling", 50, 1, Faulty.NONE);
        DelivererConfig config = DelivererConfig.builder(infra.bootstrapServers(), infra.registryUrl(), keyRing)
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, LOOPBACK).build();
        try (DirectDelivery direct = DirectDelivery.start(config)) {
            Semaphore inFlight = new Semaphore(CEILING_IN_FLIGHT);
            postDirect(direct, webhooks, requests / 10, inFlight); // warm-up
            LatencyRecorder recorder = receiver.reset();
            long start = System.nanoTime();
            postDirect(direct, webhooks, requests, inFlight);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new BenchResult("ceiling: HTTP only", label(delay), recorder.count(), requests / seconds,
                    recorder.percentiles(), -1, -1, -1, -1);
        } finally {
            delete(webhooks);
        }
    }

    /**
     * After a faulty run: what it held back comes back one {@link #FAULT_SETTLE} after it was deferred. The next
     * run's set-up (new webhooks, a round of events until they are served: 3 s at least) covers the end of that;
     * this waits for the rest, and for the deliverers' counters to be still for a second, at most 15 s.
     */
    private void awaitAftermath() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Thread.sleep(FAULT_SETTLE.minusSeconds(2).toMillis());
        Map<String, Double> last = delivererWork();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            Map<String, Double> now = delivererWork();
            if (now.equals(last)) {
                return;
            }
            last = now;
        }
    }

    private void postDirect(DirectDelivery direct, List<CreatedWebhook> webhooks, int requests, Semaphore inFlight)
            throws InterruptedException {
        List<CompletableFuture<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            CreatedWebhook webhook = webhooks.get(i % webhooks.size());
            IamEvent event = event(webhook.subscription().getTenant());
            inFlight.acquire();
            sent.add(direct.send(webhook.subscription(), Deliveries.of(event, webhook.subscription(),
                    WebhookPayload.render(event), Instant.now())).whenComplete((status, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    /** Produce and consume the same number of 1 KiB records, no HTTP. */
    private BenchResult kafkaCeiling(int records) throws Exception {
        log("Kafka ceiling: %,d records of 1 KiB", records);
        String topic = "bench.kafka-ceiling";
        infra.kafka().createTopics(List.of(new TopicSpec(topic, Topics.DEFAULT_PARTITIONS, Map.of())));
        byte[] value = new byte[1024];
        CompletableFuture<Long> lastConsumed = new CompletableFuture<>();
        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
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
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
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

    enum Faulty { NONE, BLACK_HOLE, UNAVAILABLE }

    /**
     * Events through the producer API, router and deliverer to {@code tenants x fanOut} webhooks; with a faulty
     * mode, every tenth webhook (the first of each tenant at fan-out 10) never answers or answers 503, and only the
     * healthy ones are counted.
     */
    private BenchResult herald(String scenario, int tenants, int fanOut, int events, Faulty faulty, Duration delay)
            throws Exception {
        log("%s, %s receiver: %,d events", scenario, label(delay), events);
        List<CreatedWebhook> webhooks = webhooks("t", tenants, fanOut, faulty);
        List<String> tenantIds = webhooks.stream().map(w -> w.subscription().getTenant()).distinct().toList();
        Map<String, Long> healthyOf = webhooks.stream().filter(BenchRun::healthy).collect(
                java.util.stream.Collectors.groupingBy(w -> w.subscription().getTenant(),
                        java.util.stream.Collectors.counting()));
        try {
            awaitServed(tenantIds, healthyOf.values().stream().mapToLong(Long::longValue).sum());
            LatencyRecorder recorder = receiver.reset();
            CpuUse cpuBefore = cpuUse();
            resetPeaks();
            Map<String, Double> workBefore = delivererWork();
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                publisher.publish(event(tenantIds.get(i % tenantIds.size())));
            }
            publisher.flush();
            long expected = 0;
            for (int i = 0; i < events; i++) {
                expected += healthyOf.getOrDefault(tenantIds.get(i % tenantIds.size()), 0L);
            }
            awaitCount(recorder, expected, Duration.ofSeconds(60).plusMillis(expected));
            double seconds = (recorder.lastNanos() - start) / 1e9;
            CpuUse cpu = cpuUse().minus(cpuBefore);
            logRun(recorder.count() / seconds, cpu.perThousandWithoutJit(recorder.count()), workBefore,
                    delivererWork());
            samplePeaks();
            return new BenchResult(scenario, label(delay), recorder.count(), recorder.count() / seconds,
                    recorder.percentiles(), cpu.perThousand(recorder.count()),
                    cpu.perThousandWithoutJit(recorder.count()), router.peakHeapBytes() >> 20,
                    deliverers.stream().mapToLong(ServiceProcess::peakHeapBytes).max().orElse(0) >> 20);
        } finally {
            delete(webhooks);
            if (faulty != Faulty.NONE && !scenario.equals(WARM_UP)) { // a warm-up's aftermath lands in warm-ups
                awaitAftermath();
            }
        }
    }

    private static boolean healthy(CreatedWebhook webhook) {
        return webhook.subscription().getUrl().contains("/ok/");
    }

    /**
     * Until the router and deliverer know the new webhooks: a round of events (one per tenant, {@code healthy}
     * deliveries), again, until all arrive.
     */
    private void awaitServed(List<String> tenants, long healthy) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        LatencyRecorder recorder = receiver.reset();
        while (recorder.count() < healthy) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the new webhooks were not served within 2 minutes");
            }
            for (String tenant : tenants) {
                publisher.publish(event(tenant));
            }
            publisher.flush();
            Thread.sleep(2_000);
        }
        Thread.sleep(1_000); // stragglers of the last round
    }

    /** What a team writes in an afternoon: poll, one synchronous signed POST per record, commit. */
    private BenchResult naive(int events, Duration delay) throws Exception {
        log("naive consumer, %s receiver: %,d events", label(delay), events);
        String tenant = "bench-naive-" + (++sequence);
        String group = "bench-naive-" + sequence;
        ConsumerGroups.startAtEnd(infra.bootstrapServers(), group, List.of(Topics.AUTH_EVENTS));
        for (int i = 0; i < events; i++) {
            publisher.publish(event(tenant));
        }
        publisher.flush();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI url = URI.create(receiver.url("/ok/" + tenant));
        String secret = io.herald.signatures.WebhookSecrets.generate();
        LatencyRecorder recorder = receiver.reset();
        long start = System.nanoTime();
        int posted = 0;
        try (KafkaConsumer<String, IamEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), HeraldSerdes.<IamEvent>valueDeserializer(infra.registryUrl()))) {
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

    /** A fixed rate at half the measured capacity: the latency an operator sees in normal operation. */
    private BenchResult steady(double rate, Duration duration) throws Exception {
        log("steady load at %.0f events/s (50%% of fan-out 1 capacity) for %d s", rate, duration.toSeconds());
        List<CreatedWebhook> webhooks = webhooks("steady", 50, 1, Faulty.NONE);
        List<String> tenants = webhooks.stream().map(w -> w.subscription().getTenant()).toList();
        try {
            awaitServed(tenants, tenants.size());
            LatencyRecorder recorder = receiver.reset();
            CpuUse cpuBefore = cpuUse();
            resetPeaks();
            long start = System.nanoTime();
            long total = (long) (rate * duration.toMillis() / 1000);
            for (long sent = 0; sent < total; ) {
                long due = (long) (rate * (System.nanoTime() - start) / 1e9);
                for (; sent < Math.min(due, total); sent++) {
                    publisher.publish(event(tenants.get((int) (sent % tenants.size()))));
                }
                Thread.sleep(5);
            }
            publisher.flush();
            awaitCount(recorder, total, Duration.ofSeconds(60));
            double seconds = (recorder.lastNanos() - start) / 1e9;
            CpuUse cpu = cpuUse().minus(cpuBefore);
            samplePeaks();
            return new BenchResult("steady load at 50% of capacity", "instant", recorder.count(),
                    recorder.count() / seconds, recorder.percentiles(), cpu.perThousand(recorder.count()),
                    cpu.perThousandWithoutJit(recorder.count()), router.peakHeapBytes() >> 20,
                    deliverers.get(0).peakHeapBytes() >> 20);
        } finally {
            delete(webhooks);
        }
    }

    private List<CreatedWebhook> webhooks(String prefix, int tenants, int fanOut, Faulty faulty) {
        List<CreatedWebhook> created = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            String tenant = "bench-" + prefix + "-" + (++sequence);
            for (int k = 0; k < fanOut; k++) {
                boolean isFaulty = faulty != Faulty.NONE && (t * fanOut + k) % 10 == 0; // 10%: the first of each
                String kind = !isFaulty ? "ok" : faulty == Faulty.BLACK_HOLE ? "hole" : "fail";
                created.add(store.create(new WebhookDefinition(tenant, "bench " + k, null,
                        receiver.url("/" + kind + "/" + tenant + "-" + k), List.of("auth.*"), Map.of(), null, true)));
            }
        }
        return created;
    }

    /** Deleted after each scenario, so failing endpoints stop taking the deliverer's time in later ones. */
    private void delete(List<CreatedWebhook> webhooks) {
        webhooks.forEach(w -> store.write(w.subscription(), null, "bench", "webhook.deleted"));
    }

    private static IamEvent event(String tenant) {
        return IamEvents.of(tenant, AuthLoginSucceeded.newBuilder().setUserId("usr_bench").setEmail("b@bench.test")
                .setIpAddress("198.51.100.7").setUserAgent(USER_AGENT).setMethod("password").build());
    }

    private CpuUse cpuUse() {
        List<ServiceProcess> services = new ArrayList<>(deliverers);
        services.add(router);
        long total = 0;
        long compilers = 0;
        for (ServiceProcess service : services) {
            total += service.cpuTime().toMillis();
            Optional<Duration> jit = service.compilerCpuTime();
            compilers = jit.isEmpty() || compilers < 0 ? -1 : compilers + jit.get().toMillis();
        }
        return new CpuUse(total, compilers);
    }

    /** CPU milliseconds of the router and deliverer(s): in all, and in their JIT compiler threads (-1: unknown). */
    private record CpuUse(long totalMillis, long compilerMillis) {

        CpuUse minus(CpuUse before) {
            return new CpuUse(totalMillis - before.totalMillis, compilerMillis < 0 || before.compilerMillis < 0 ? -1
                    : compilerMillis - before.compilerMillis);
        }

        double perThousand(long deliveries) {
            return totalMillis * 1000.0 / Math.max(1, deliveries);
        }

        double perThousandWithoutJit(long deliveries) {
            return compilerMillis < 0 ? -1 : (totalMillis - compilerMillis) * 1000.0 / Math.max(1, deliveries);
        }
    }

    /** The deliverers' delivery, retry and deferral counters, summed over the deliverers. */
    private Map<String, Double> delivererWork() {
        Map<String, Double> work = new java.util.TreeMap<>();
        deliverers.forEach(deliverer -> deliverer.counters(List.of("herald_deliveries",
                "herald_retries", "herald_deferrals")).forEach((key, value) -> work.merge(key, value,
                Double::sum)));
        return work;
    }

    /**
     * A run's throughput and CPU, and what the deliverers did during it besides the measured deliveries: deferrals,
     * retries, other results.
     */
    private static void logRun(double perSecond, double cpuWithoutJit, Map<String, Double> before,
            Map<String, Double> after) {
        StringBuilder line = new StringBuilder();
        after.forEach((key, value) -> {
            long delta = Math.round(value - before.getOrDefault(key, 0.0));
            if (delta != 0) {
                line.append(line.isEmpty() ? "" : ", ").append(key.replace("herald_", "").replace("_total", ""))
                        .append(' ').append(delta);
            }
        });
        log("    %,.0f deliveries/s, %.0f ms CPU per 1k w/o JIT; deliverers: %s", perSecond, cpuWithoutJit,
                line.isEmpty() ? "nothing counted" : line);
    }

    /** One more heap sample at the end: a run shorter than the sampling period would otherwise have none. */
    private void samplePeaks() {
        router.sampleHeap();
        deliverers.forEach(ServiceProcess::sampleHeap);
    }

    private void resetPeaks() {
        router.resetPeakHeap();
        deliverers.forEach(ServiceProcess::resetPeakHeap);
    }

    private static void awaitCount(LatencyRecorder recorder, long expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (recorder.count() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + recorder.count() + " of " + expected
                        + " deliveries arrived within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    private static String label(Duration delay) {
        return delay.isZero() ? "instant" : delay.toMillis() + " ms";
    }

    private static void log(String format, Object... args) {
        System.out.printf(java.util.Locale.ROOT, "  " + format + "%n", args);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable closeable : new AutoCloseable[] {
                () -> deliverers.forEach(ServiceProcess::close), router, publisher, store, receiver, infra}) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("closing failed: " + e);
            }
        }
        try {
            org.apache.kafka.common.utils.Utils.delete(work.toFile());
        } catch (IOException e) {
            System.err.println("could not delete " + work + ": " + e.getMessage());
        }
    }
}
