package io.herald.bench;

import io.herald.deliverer.DelivererConfig;
import io.herald.ingest.auth.ApiKeys;
import io.herald.ingest.config.IngestSettings;
import io.herald.ingest.webhooks.CreatedWebhook;
import io.herald.ingest.webhooks.WebhookDefinition;
import io.herald.ingest.webhooks.WebhookStore;
import io.herald.publisher.HeraldPublisher;
import io.herald.publisher.PublisherConfig;
import io.herald.router.RouterConfig;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.Durations;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.IamEvents;
import io.herald.schemas.data.AuthLoginSucceeded;
import io.herald.schemas.event.IamEvent;
import io.herald.testkit.HeraldInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a benchmark runs on: the broker and registry in this JVM, the router and the deliverers in their own JVMs
 * (their CPU and heap are measured apart from the broker's and the receiver's), the receiver, the webhook store and
 * the publisher; and the measurements of the services' CPU, heap and counters.
 */
final class BenchStack implements AutoCloseable {

    static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"));
    /**
     * The deliverers' attempt timeout and circuit open period. A faulty run leaves work behind: requests that time
     * out, deliveries held back that come back (to deleted webhooks) a timeout or an open period later. With the
     * defaults (30 s) that aftermath landed in whichever run came 30 s later, on 2 cores; with 5 s it is over, and
     * waited for, before the next run starts.
     */
    static final Duration FAULT_SETTLE = Duration.ofSeconds(5);
    /** Sized so that the webhook body is about 1 KiB, like the ceilings' records. */
    private static final String USER_AGENT = "Mozilla/5.0 (bench) " + "x".repeat(620);

    /** Which webhooks of a scenario fail: every tenth never answers, or answers 503. */
    enum Faulty { NONE, BLACK_HOLE, UNAVAILABLE }

    final Path out;
    private final Path work;
    final HeraldInfrastructure infra;
    final BenchReceiver receiver;
    final String keyRing;
    final WebhookStore store;
    final HeraldPublisher publisher;
    final ServiceProcess router;
    final List<ServiceProcess> deliverers = new ArrayList<>();
    private final String operatorKey = io.herald.schemas.HeraldIds.newApiKeySecret();
    private ServiceProcess ingest;
    private String ingestUrl;
    private int sequence;
    private boolean closed;

    private BenchStack(Path out, Path work) throws Exception {
        this.out = out;
        this.work = work;
        System.out.println("Starting Kafka, the registry, the receiver, the router and a deliverer...");
        infra = HeraldInfrastructure.start(work.resolve("kafka"), out.resolve("registry.log"));
        receiver = BenchReceiver.start();
        keyRing = "bench:" + SecretCipher.generateKey();
        store = WebhookStore.create(infra.kafkaClients(), infra.registryEndpoint(), SecretCipher.fromKeyRing(keyRing),
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

    static BenchStack start(Path out) throws Exception {
        return new BenchStack(out, Files.createTempDirectory("herald-bench-"));
    }

    ServiceProcess startDeliverer() throws IOException, InterruptedException {
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

    /** A name no earlier scenario used, for tenants and consumer groups. */
    String unique(String prefix) {
        return prefix + "-" + (++sequence);
    }

    List<CreatedWebhook> webhooks(String prefix, int tenants, int fanOut, Faulty faulty) {
        List<CreatedWebhook> created = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            String tenant = unique("bench-" + prefix);
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
    void delete(List<CreatedWebhook> webhooks) {
        webhooks.forEach(w -> store.write(w.webhook(), null, "bench", "webhook.deleted"));
    }

    static boolean healthy(CreatedWebhook webhook) {
        return webhook.webhook().getUrl().contains("/ok/");
    }

    static IamEvent event(String tenant) {
        return event(tenant, USER_AGENT);
    }

    /** An event whose webhook body is about {@code kib} KiB (its user agent makes up the size). */
    static IamEvent event(String tenant, int kib) {
        return event(tenant, kib <= 1 ? USER_AGENT : USER_AGENT + "y".repeat((kib - 1) * 1024));
    }

    private static IamEvent event(String tenant, String userAgent) {
        return IamEvents.of(tenant, AuthLoginSucceeded.newBuilder().setUserId("usr_bench").setEmail("b@bench.test")
                .setIpAddress("198.51.100.7").setUserAgent(userAgent).setMethod("password").build());
    }

    /** The ingest service, started on first use (only the HTTP ingest scenarios need it). */
    private synchronized ServiceProcess ingest() throws IOException, InterruptedException {
        if (ingest == null) {
            int port = io.herald.testkit.FreePorts.any();
            ingest = ServiceProcess.start("ingest", "io.herald.ingest.IngestMain",
                    IngestSettings.OPS_PORT.environmentVariable(),
                    Map.of(CommonSettings.KAFKA_BOOTSTRAP_SERVERS.environmentVariable(), infra.bootstrapServers(),
                            CommonSettings.REGISTRY_URL.environmentVariable(), infra.registryUrl(),
                            CommonSettings.SECRET_KEYS.environmentVariable(), keyRing,
                            IngestSettings.PORT.environmentVariable(), Integer.toString(port),
                            IngestSettings.API_KEYS.environmentVariable(), "*:bench-operator:"
                                    + ApiKeys.hash(operatorKey),
                            IngestSettings.ALLOW_HTTP.environmentVariable(), "true"),
                    out.resolve("ingest.log"));
            ingestUrl = "http://127.0.0.1:" + port;
        }
        return ingest;
    }

    /** Stops the ingest service, if it runs: idle, its readers would still take CPU from the scenarios after it. */
    synchronized void stopIngest() {
        if (ingest != null) {
            ingest.close();
            ingest = null;
        }
    }

    String ingestUrl() throws IOException, InterruptedException {
        ingest();
        return ingestUrl;
    }

    /** The operator key ingest accepts for every tenant. */
    String operatorKey() {
        return operatorKey;
    }

    CpuUse ingestCpu() throws IOException, InterruptedException {
        return cpuOf(List.of(ingest()));
    }

    CpuUse cpuUse() {
        List<ServiceProcess> services = new ArrayList<>(deliverers);
        services.add(router);
        return cpuOf(services);
    }

    private static CpuUse cpuOf(List<ServiceProcess> services) {
        long total = 0;
        long compilers = 0;
        for (ServiceProcess service : services) {
            total += service.cpuTime().toMillis();
            Optional<Duration> jit = service.compilerCpuTime();
            compilers = jit.isEmpty() || compilers < 0 ? -1 : compilers + jit.get().toMillis();
        }
        return new CpuUse(total, compilers);
    }

    /** The deliverers' delivery, retry and deferral counters, summed over the deliverers. */
    Map<String, Double> delivererWork() {
        Map<String, Double> work = new java.util.TreeMap<>();
        deliverers.forEach(deliverer -> deliverer.counters(List.of("herald_deliveries",
                "herald_retries", "herald_deferrals")).forEach((key, value) -> work.merge(key, value,
                Double::sum)));
        return work;
    }

    /** One more heap sample at the end: a run shorter than the sampling period would otherwise have none. */
    void samplePeaks() {
        router.sampleHeap();
        deliverers.forEach(ServiceProcess::sampleHeap);
    }

    void resetPeaks() {
        router.resetPeakHeap();
        deliverers.forEach(ServiceProcess::resetPeakHeap);
    }

    long routerPeakHeapMiB() {
        return router.peakHeapBytes() >> 20;
    }

    long delivererPeakHeapMiB() {
        return deliverers.stream().mapToLong(ServiceProcess::peakHeapBytes).max().orElse(0) >> 20;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Teardown.closeAll(work, () -> deliverers.forEach(ServiceProcess::close), ingest, router, publisher, store,
                receiver, infra);
    }
}
