package io.herald.deploy.local;

import io.herald.runtime.config.CommonSettings;
import io.herald.deliverer.DelivererConfig;
import io.herald.deliverer.HeraldDeliverer;
import io.herald.ingest.IngestServer;
import io.herald.ingest.auth.ApiKeys;
import io.herald.schemas.HeraldIds;
import io.herald.router.HeraldRouter;
import io.herald.router.RouterConfig;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.security.SecretCipher;
import io.herald.testkit.HeraldInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of Herald in one JVM for local use: a real Kafka broker and schema registry (the same ones the tests use),
 * then the router, the deliverer and the ingest service, each started exactly as in production. Closing stops
 * them in reverse order. State is temporary: each run starts empty.
 */
final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /** Local runs deliver to receivers on this machine (the demo's among them): loopback is allowed here only. */
    static final List<Cidr> LOCAL_NETWORKS = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1"));

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final HeraldInfrastructure infrastructure;
    private final SecretCipher cipher;
    private final IngestServer ingest;
    private final String operatorKey = "hk_local_" + HeraldIds.newEventId().substring(4).toLowerCase();
    private final HeraldRouter router;

    private final Path workDirectory;

    private LocalStack(int ingestPort, Path workDirectory) {
        this.workDirectory = workDirectory;
        try {
            // The broker's directory is ours: Kafka's own temporary directories are deleted by a shutdown hook
            // that would race with the orderly shutdown below.
            infrastructure = remember(HeraldInfrastructure.start(workDirectory.resolve("kafka"),
                    workDirectory.resolve("registry.log")));
            String keyRing = "local:" + SecretCipher.generateKey();
            cipher = SecretCipher.fromKeyRing(keyRing);
            router = remember(HeraldRouter.start(RouterConfig.builder(infrastructure.bootstrapServers(),
                    infrastructure.registryUrl(), "herald-router", workDirectory.resolve("router-state")).build()));
            remember(HeraldDeliverer.start(DelivererConfig.builder(infrastructure.bootstrapServers(),
                    infrastructure.registryUrl(), keyRing)
                    .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, LOCAL_NETWORKS).build()));
            ingest = remember(IngestServer.start(ingestPort, Map.of(
                    "herald.kafka.bootstrap-servers", infrastructure.bootstrapServers(),
                    "herald.registry.url", infrastructure.registryUrl(),
                    "herald.secrets.keys", keyRing,
                    "herald.ingest.api-keys", "*:local-operator:" + ApiKeys.hash(operatorKey),
                    "herald.ingest.allow-http", "true",
                    "herald.ingest.ops-port", "0",
                    "herald.egress.allowed-networks", "127.0.0.0/8,::1")));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    static LocalStack start(int ingestPort) {
        try {
            return new LocalStack(ingestPort, Files.createTempDirectory("herald-local-"));
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary directory for the local stack", e);
        }
    }

    String bootstrapServers() {
        return infrastructure.bootstrapServers();
    }

    String registryUrl() {
        return infrastructure.registryUrl();
    }

    String ingestUrl() {
        return ingest.uri().toString();
    }

    /** An operator API key valid for this run only. */
    String operatorKey() {
        return operatorKey;
    }

    HeraldRouter router() {
        return router;
    }

    private <T extends AutoCloseable> T remember(T service) {
        started.push(service);
        return service;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable service = started.pop();
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed", service.getClass().getSimpleName(), e);
            }
        }
        deleteRecursively(workDirectory);
    }

    private static void deleteRecursively(Path directory) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.toString());
        }
    }
}
