package io.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.deliverer.DelivererConfig;
import io.herald.ingest.auth.ApiKeys;
import io.herald.ingest.config.IngestSettings;
import io.herald.router.RouterConfig;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.kafka.TopicInstaller;
import io.herald.runtime.registry.RegistryCompatibility;
import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.Topics;
import io.herald.schemas.registry.RegistryEndpoint;
import io.herald.testkit.ChildKafka;
import io.herald.testkit.SchemaRegistryServer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;

/**
 * Herald as an operator runs it, every part in its own process (a broker and a registry, ingest, the router, two
 * deliverers), taking events over HTTP at a steady pace while its parts are killed with SIGKILL and started again
 * (deliverers, the broker, the router, as {@link Plan} says). Every event's deliveries are checked off at the receiver
 * by their {@code webhook-id}: what never arrived is lost, what arrived twice a duplicate; after each fault, how long
 * until every delivery arrives on time again.
 */
final class FaultRun implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Sized so that the webhook body is about 1 KiB, as in the benchmark. */
    private static final String USER_AGENT = "Mozilla/5.0 (faults) " + "x".repeat(620);
    /** Webhooks per tenant; see {@link #subscriptions}. */
    static final int WEBHOOKS_PER_TENANT = 10;
    static final List<String> TENANTS = List.of("acme", "globex");
    /**
     * Steady load before the first fault, as a long-running service would have had: in their first half minute the
     * services' JIT compilers take most of both cores, later about a fifth ({@code timeline.csv} shows it).
     */
    static final Duration WARM_UP = Duration.ofSeconds(60);
    /** How long after a fault no delivery may be late before the next fault. */
    static final Duration QUIET_BEFORE_NEXT = Duration.ofSeconds(3);

    /**
     * How long both deliverers are frozen (SIGSTOP) before the first fault: the backlog that leaves, drained with
     * nothing else wrong, is the run's steady catch-up rate, which the catch-up after each kill is compared with.
     * Shorter than the deliverers' session timeout (6 s), so that no partition moves.
     */
    static final Duration PAUSE = Duration.ofSeconds(4);

    /** What a run sends and breaks. */
    record Plan(int events, int eventsPerSecond, int batchSize, int delivererKills, boolean brokerRestart,
            boolean routerKill, Duration delivererDownFor, Duration brokerDownFor, Duration routerDownFor) {

        /**
         * Sized for CI: 100 s of sending, 22,500 deliveries, at a pace that leaves a 2-core machine room to catch up
         * (every part of Herald, the broker and the registry share it: 250 events/s over HTTP already take both cores).
         */
        static final Plan CI = new Plan(15_000, 150, 25, 2, true, true, Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(1));
        /** The operator's trial the issue describes: 100,000 events, 150,000 deliveries, five deliverer kills. */
        static final Plan FULL = new Plan(100_000, 300, 50, 5, true, true, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(1));

        Duration sendingTime() {
            return Duration.ofMillis(events * 1000L / eventsPerSecond);
        }

        /**
         * The faults in order: the deliverers paused first (the reference backlog), then deliverer kills spread out,
         * the broker and the router between them.
         */
        List<Fault.Kind> faults() {
            List<Fault.Kind> kinds = new ArrayList<>();
            for (int i = 0; i < delivererKills; i++) {
                kinds.add(Fault.Kind.DELIVERER);
            }
            // the broker after the first deliverer kill, the router after the next: each in its own window
            if (brokerRestart) {
                kinds.add(Math.min(1, kinds.size()), Fault.Kind.BROKER);
            }
            if (routerKill) {
                kinds.add(Math.min(3, kinds.size()), Fault.Kind.ROUTER);
            }
            kinds.add(0, Fault.Kind.PAUSE);
            return kinds;
        }
    }

    /** One fault as it happened: killed at, and back (ready again) at, in epoch millis. */
    record Fault(Kind kind, String target, long killedAt, long backAt) {
        enum Kind { PAUSE, DELIVERER, BROKER, ROUTER }
    }

    private final Path out;
    private final Path work;
    private final ChildKafka kafka;
    private SchemaRegistryServer registry;
    private BenchReceiver receiver;
    private final String operatorKey = HeraldIds.newApiKeySecret();
    private String ingestUrl;
    private final AtomicReference<ServiceProcess> ingest = new AtomicReference<>();
    private final AtomicReference<ServiceProcess> router = new AtomicReference<>();
    private final List<ServiceProcess> deliverers = new CopyOnWriteArrayList<>();
    /** When the latest late delivery arrived (epoch millis): the next fault waits until the last one is over. */
    private final java.util.concurrent.atomic.AtomicLong lastLateArrival = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong lastOnTimeArrival =
            new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean sendingDone;
    /** Counters of deliverers that were killed, read just before: a killed process's counters are gone. */
    private final Map<String, Double> killedDeliverersWork = new ConcurrentHashMap<>();

    private FaultRun(Path out, Path work) throws Exception {
        this.out = out;
        this.work = work;
        System.out.println("Starting a broker and a registry (child JVMs), ingest, the router and two deliverers...");
        kafka = ChildKafka.start(work.resolve("kafka"));
        try {
            startTheRest();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private void startTheRest() throws Exception {
        try (Admin admin = io.herald.runtime.kafka.KafkaClients.of(kafka.bootstrapServers()).admin(Map.of())) {
            new TopicInstaller(admin).install(Topics.all(), (short) 1);
        }
        registry = SchemaRegistryServer.start(0, out.resolve("registry.log"));
        RegistryCompatibility.requireBackward(RegistryEndpoint.of(registry.confluentApiUrl()));
        receiver = BenchReceiver.start();
        String keyRing = "faults:" + SecretCipher.generateKey();
        int ingestPort = io.herald.testkit.FreePorts.any();
        ingestUrl = "http://127.0.0.1:" + ingestPort;
        Map<String, String> common = Map.of(
                CommonSettings.KAFKA_BOOTSTRAP_SERVERS.environmentVariable(), kafka.bootstrapServers(),
                CommonSettings.REGISTRY_URL.environmentVariable(), registry.confluentApiUrl(),
                CommonSettings.SECRET_KEYS.environmentVariable(), keyRing,
                CommonSettings.EGRESS_ALLOWED_NETWORKS.environmentVariable(), "127.0.0.0/8");
        Map<String, String> ingestEnv = new HashMap<>(common);
        ingestEnv.putAll(Map.of(IngestSettings.PORT.environmentVariable(), Integer.toString(ingestPort),
                IngestSettings.API_KEYS.environmentVariable(), "*:fault-operator:" + ApiKeys.hash(operatorKey),
                IngestSettings.ALLOW_HTTP.environmentVariable(), "true"));
        Map<String, String> routerEnv = new HashMap<>(common);
        routerEnv.put(RouterConfig.STATE_DIR.environmentVariable(), work.resolve("router-state").toString());
        // Started side by side: each takes seconds of mostly waiting on Kafka.
        var ingestStarted = java.util.concurrent.CompletableFuture.supplyAsync(() -> start("ingest",
                "io.herald.ingest.IngestMain", IngestSettings.OPS_PORT.environmentVariable(), ingestEnv));
        var routerStarted = java.util.concurrent.CompletableFuture.supplyAsync(() -> start("router",
                "io.herald.router.RouterMain", RouterConfig.OPS_PORT.environmentVariable(), routerEnv));
        List<java.util.concurrent.CompletableFuture<ServiceProcess>> delivererStarts = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            String name = "deliverer-" + i;
            delivererStarts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> start(name,
                    "io.herald.deliverer.DelivererMain", DelivererConfig.OPS_PORT.environmentVariable(), common)));
        }
        ingest.set(ingestStarted.join());
        router.set(routerStarted.join());
        delivererStarts.forEach(started -> deliverers.add(started.join()));
    }

    static FaultRun start(Path out) throws Exception {
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("herald-faults-");
        return new FaultRun(out, work);
    }

    private ServiceProcess start(String name, String mainClass, String opsPortVariable, Map<String, String> env) {
        try {
            long started = System.nanoTime();
            ServiceProcess service = ServiceProcess.start(name, mainClass, opsPortVariable, env,
                    out.resolve(name + ".log"), List.of("-Dlogback.configurationFile=faults-service-logback.xml"));
            System.out.printf("  %s ready in %.1f s%n", name, (System.nanoTime() - started) / 1e9);
            return service;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The event types the run sends, in turn; every webhook of a tenant gets some of them. */
    static final List<String> TYPES = List.of("auth.login.success", "user.updated", "user.blocked", "user.deleted",
            "user.suspended", "user.unblocked", "auth.password_changed", "auth.password_set", "auth.pin_changed",
            "auth.pin_set");

    /**
     * The event types webhook {@code k} of each tenant subscribes to: its own type, and the first five also the type
     * five places on, so that an event matches one or two of its tenant's webhooks: 1.5 deliveries per event.
     */
    static List<String> subscriptions(int webhook) {
        return webhook < TYPES.size() / 2 ? List.of(TYPES.get(webhook), TYPES.get(webhook + TYPES.size() / 2))
                : List.of(TYPES.get(webhook));
    }

    static String eventType(int sequence) {
        return TYPES.get(sequence % TYPES.size());
    }

    static boolean matches(List<String> subscriptions, String type) {
        return subscriptions.stream().anyMatch(pattern -> pattern.endsWith(".*")
                ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(type));
    }

    private static Map<String, Object> event(String id, String type, Instant now) {
        String user = "usr_" + Math.floorMod(id.hashCode(), 1000);
        Map<String, Object> data = switch (type) {
            case "auth.login.success" -> Map.of("userId", user, "method", "password", "userAgent", USER_AGENT,
                    "mfaUsed", false);
            case "user.updated" -> Map.of("userId", user, "changedFields", List.of("email"));
            default -> Map.of("userId", user);
        };
        return Map.of("id", id, "type", type, "timestamp", now.toString(), "source", "fault-run", "data", data);
    }

    /** Runs the plan and returns what the receiver saw, checked against what was accepted. */
    FaultReport run(Plan plan) throws Exception {
        Map<String, List<String>> webhooksOf = createWebhooks();
        awaitServed(webhooksOf);
        Map<String, Integer> arrivals = new ConcurrentHashMap<>();
        List<long[]> timeline = java.util.Collections.synchronizedList(new ArrayList<>()); // {arrived, latency}
        receiver.observe((deliveryId, arrived, latency) -> {
            arrivals.merge(deliveryId, 1, Integer::sum);
            timeline.add(new long[] {arrived, latency});
            (latency > FaultReport.LATE.toMillis() ? lastLateArrival : lastOnTimeArrival)
                    .accumulateAndGet(arrived, Math::max);
        });
        Map<String, Double> workBefore = delivererWork();
        List<Fault> faults = new CopyOnWriteArrayList<>();
        Map<String, List<String>> expectedOf = new HashMap<>(); // event id -> its webhooks' delivery ids
        Thread breaker;
        long start;
        long sent = 0;
        try (EventSender sender = new EventSender(ingestUrl, operatorKey, 8); CpuTimeline cpu = cpuTimeline()) {
            start = System.currentTimeMillis();
            breaker = startBreaker(plan, start, faults);
            int sequence = 0;
            // At the plan's pace until its events are sent and every fault is over (a slow machine sends more).
            long giveUpAt = start + plan.sendingTime().multipliedBy(4).plusMinutes(2).toMillis();
            while ((sent < plan.events() || breaker.isAlive()) && System.currentTimeMillis() < giveUpAt) {
                long due = (System.currentTimeMillis() - start) * plan.eventsPerSecond() / 1000;
                while (sent + plan.batchSize() <= due) {
                    String tenant = TENANTS.get(sequence % TENANTS.size());
                    List<Map<String, Object>> batch = new ArrayList<>();
                    Instant now = Instant.now();
                    for (int i = 0; i < plan.batchSize(); i++, sent++, sequence++) {
                        String id = HeraldIds.newEventId();
                        String type = eventType(sequence);
                        batch.add(event(id, type, now));
                        List<String> deliveries = new ArrayList<>();
                        List<String> webhooks = webhooksOf.get(tenant);
                        for (int w = 0; w < webhooks.size(); w++) {
                            if (matches(subscriptions(w), type)) {
                                deliveries.add(HeraldIds.deliveryId(id, webhooks.get(w)));
                            }
                        }
                        expectedOf.put(id, deliveries);
                    }
                    sender.send(tenant, batch);
                }
                Thread.sleep(20);
            }
            sendingDone = true;
            breaker.join();
            sender.finish();
            long expected = expectedOf.values().stream().mapToLong(List::size).sum();
            System.out.printf("  %,d events sent in %d s; waiting for the %,d deliveries...%n", sent,
                    (System.currentTimeMillis() - start) / 1000, expected);
            awaitQuiet(arrivals, expected);
            Map<String, Double> work = delivererWork();
            killedDeliverersWork.forEach((key, value) -> work.merge(key, value, Double::sum));
            workBefore.forEach((key, value) -> work.merge(key, -value, Double::sum));
            List<long[]> seen;
            synchronized (timeline) {
                seen = new ArrayList<>(timeline);
            }
            sender.givenUpEventIds().forEach(expectedOf::remove); // never acknowledged: the client knows to resend
            Files.writeString(out.resolve("timeline.csv"), FaultTimeline.csv(start, seen, faults, cpu.names(),
                    cpu.rows()));
            return FaultReport.of(plan, start, expectedOf, Map.copyOf(arrivals), seen, faults, sender.answers(),
                    sender.givenUp(), work);
        }
    }

    /** Every process of the run by name, the run's own (sender and receiver) included. */
    private CpuTimeline cpuTimeline() {
        Map<String, java.util.function.LongSupplier> pids = new java.util.LinkedHashMap<>();
        pids.put("broker", kafka::pid);
        pids.put("registry", registry::pid);
        pids.put("ingest", () -> ingest.get().pid());
        pids.put("router", () -> router.get().pid());
        for (int i = 0; i < deliverers.size(); i++) {
            int index = i;
            pids.put(deliverers.get(i).name(), () -> deliverers.get(index).pid());
        }
        pids.put("driver", () -> ProcessHandle.current().pid());
        return new CpuTimeline(pids);
    }

    /**
     * Runs the plan's faults on a thread of its own, spread evenly over the sending time after {@link #WARM_UP}, the
     * first once deliveries are on time, each other only once the one before is over ({@link #QUIET_BEFORE_NEXT} without a late delivery since the part came back),
     * so that each recovery is measured on its own. Sending goes on until the last is over, within a limit; faults
     * still due then are left out (and said so).
     */
    private Thread startBreaker(Plan plan, long start, List<Fault> faults) {
        List<Fault.Kind> kinds = plan.faults();
        Thread thread = new Thread(() -> {
            int delivererKills = 0;
            try {
                for (int i = 0; i < kinds.size(); i++) {
                    long planned = start + WARM_UP.toMillis() + (plan.sendingTime().toMillis() - WARM_UP.toMillis())
                            * i / kinds.size();
                    Fault previous = faults.isEmpty() ? null : faults.get(faults.size() - 1);
                    // the first waits for the warm-up's backlog (JIT compilers busy) to be gone too
                    while (System.currentTimeMillis() < planned || !settledSince(previous == null ? 0
                            : previous.backAt())) {
                        if (sendingDone) {
                            System.out.printf("  %d of %d faults carried out: sending stopped at its limit before the "
                                    + "others were due%n", i, kinds.size());
                            return;
                        }
                        Thread.sleep(100);
                    }
                    Fault fault = switch (kinds.get(i)) {
                        case PAUSE -> pauseDeliverers();
                        case DELIVERER -> killDeliverer(delivererKills++ % deliverers.size(), plan.delivererDownFor());
                        case BROKER -> restartBroker(plan.brokerDownFor());
                        case ROUTER -> killRouter(plan.routerDownFor());
                    };
                    faults.add(fault);
                    System.out.printf("  %s: %s %s %.1f s into the run, back %.1f s later%n", fault.kind(),
                            fault.target(), fault.kind() == Fault.Kind.PAUSE ? "paused" : "killed", (fault.killedAt() - start) / 1000.0,
                            (fault.backAt() - fault.killedAt()) / 1000.0);
                }
            } catch (Exception e) {
                System.err.println("a fault could not be carried out: " + e);
                e.printStackTrace();
            }
        }, "fault-breaker");
        thread.start();
        return thread;
    }

    /**
     * Whether deliveries are on time since a moment (a fault's part back): nothing arrived late for
     * {@link #QUIET_BEFORE_NEXT}, and deliveries arrived on time since (no delivery at all is no sign of recovery).
     */
    private boolean settledSince(long moment) {
        long since = Math.max(moment, lastLateArrival.get());
        return System.currentTimeMillis() - since >= QUIET_BEFORE_NEXT.toMillis()
                && lastOnTimeArrival.get() > since + QUIET_BEFORE_NEXT.toMillis() / 2;
    }

    /** Both deliverers frozen (SIGSTOP) for {@link #PAUSE}, then let go on (SIGCONT): a backlog, nothing else. */
    private Fault pauseDeliverers() throws Exception {
        long paused = System.currentTimeMillis();
        signalDeliverers("STOP");
        try {
            Thread.sleep(PAUSE.toMillis());
        } finally {
            signalDeliverers("CONT");
        }
        return new Fault(Fault.Kind.PAUSE, "deliverers", paused, System.currentTimeMillis());
    }

    private void signalDeliverers(String signal) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        deliverers.forEach(deliverer -> command.add(Long.toString(deliverer.pid())));
        Process kill = new ProcessBuilder(command).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    private Fault killDeliverer(int index, Duration downFor) throws Exception {
        ServiceProcess deliverer = deliverers.get(index);
        deliverer.counters(List.of("herald_deliveries", "herald_retries", "herald_deferrals"))
                .forEach((key, value) -> killedDeliverersWork.merge(key, value, Double::sum));
        long killed = System.currentTimeMillis();
        deliverer.kill();
        Thread.sleep(downFor.toMillis());
        deliverers.set(index, deliverer.startAgain(started -> deliverers.set(index, started)));
        return new Fault(Fault.Kind.DELIVERER, deliverer.name(), killed, System.currentTimeMillis());
    }

    private Fault restartBroker(Duration downFor) throws InterruptedException {
        long killed = System.currentTimeMillis();
        kafka.kill();
        Thread.sleep(downFor.toMillis());
        kafka.startAgain();
        return new Fault(Fault.Kind.BROKER, "broker", killed, System.currentTimeMillis());
    }

    private Fault killRouter(Duration downFor) throws Exception {
        long killed = System.currentTimeMillis();
        ServiceProcess killedRouter = router.get();
        killedRouter.kill();
        Thread.sleep(downFor.toMillis());
        router.set(killedRouter.startAgain(router::set));
        return new Fault(Fault.Kind.ROUTER, "router", killed, System.currentTimeMillis());
    }

    /** Creates each tenant's webhooks through the management API; returns their ids by tenant, in order. */
    private Map<String, List<String>> createWebhooks() throws Exception {
        Map<String, List<String>> webhooksOf = new HashMap<>();
        for (String tenant : TENANTS) {
            List<String> ids = new ArrayList<>();
            for (int w = 0; w < WEBHOOKS_PER_TENANT; w++) {
                String body = JSON.writeValueAsString(Map.of("name", "fault run " + w,
                        "url", receiver.url("/ok/" + tenant + "-" + w), "eventTypes", subscriptions(w)));
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ingestUrl + "/t/"
                                + tenant + "/api/v1/webhooks")).header("Authorization", "Bearer " + operatorKey)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 201 && response.statusCode() != 200) {
                    throw new IllegalStateException("creating a webhook failed: " + response.statusCode() + " "
                            + response.body());
                }
                JsonNode created = JSON.readTree(response.body());
                ids.add(created.path("webhook").path("id").asText());
            }
            webhooksOf.put(tenant, ids);
        }
        return webhooksOf;
    }

    /** Until the router and deliverers serve the new webhooks: a round of each event type, again, until all arrive. */
    private void awaitServed(Map<String, List<String>> webhooksOf) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Map<String, Integer> arrived = new ConcurrentHashMap<>();
        receiver.observe((deliveryId, at, latency) -> arrived.merge(deliveryId, 1, Integer::sum));
        try (EventSender sender = new EventSender(ingestUrl, operatorKey, 2)) {
            while (true) {
                List<String> round = new ArrayList<>();
                for (String tenant : TENANTS) {
                    List<Map<String, Object>> batch = new ArrayList<>();
                    for (int sequence = 0; sequence < TYPES.size(); sequence++) {
                        String id = HeraldIds.newEventId();
                        batch.add(event(id, eventType(sequence), Instant.now()));
                        List<String> webhooks = webhooksOf.get(tenant);
                        for (int w = 0; w < webhooks.size(); w++) {
                            if (matches(subscriptions(w), eventType(sequence))) {
                                round.add(HeraldIds.deliveryId(id, webhooks.get(w)));
                            }
                        }
                    }
                    sender.send(tenant, batch);
                }
                Thread.sleep(2_000);
                if (arrived.keySet().containsAll(round)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the new webhooks were not served within 2 minutes");
                }
            }
        }
        Thread.sleep(1_000); // stragglers of earlier rounds
    }

    /**
     * Until every expected delivery has arrived and nothing has arrived for a few seconds (late duplicates count
     * too), or no delivery has come for a minute.
     */
    private static void awaitQuiet(Map<String, Integer> arrivals, long expected) throws InterruptedException {
        long lastChange = System.nanoTime();
        long lastTotal = -1;
        while (true) {
            long total = arrivals.values().stream().mapToLong(Integer::longValue).sum();
            if (total != lastTotal) {
                lastTotal = total;
                lastChange = System.nanoTime();
            }
            long quietFor = (System.nanoTime() - lastChange) / 1_000_000;
            if (arrivals.size() >= expected && quietFor > 5_000 || quietFor > 60_000) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private Map<String, Double> delivererWork() {
        Map<String, Double> work = new java.util.TreeMap<>();
        deliverers.forEach(deliverer -> deliverer.counters(List.of("herald_deliveries", "herald_retries",
                "herald_deferrals")).forEach((key, value) -> work.merge(key, value, Double::sum)));
        return work;
    }

    @Override
    public void close() {
        List<AutoCloseable> parts = new ArrayList<>(deliverers);
        parts.addAll(java.util.Arrays.asList(router.get(), ingest.get(), receiver, registry, kafka));
        Teardown.closeAll(work, parts.toArray(AutoCloseable[]::new));
    }
}
