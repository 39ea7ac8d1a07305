package io.herald.testkit;

import io.herald.schemas.Topics;
import io.herald.runtime.registry.RegistryCompatibility;
import io.herald.schemas.registry.RegistryEndpoint;
import java.nio.file.Path;

/**
 * Everything stateful Herald needs, for real: a Kafka broker with every Herald topic created, and a schema
 * registry. Used by integration tests (one per test JVM, see {@link HeraldInfrastructureExtension}) and by the
 * local launcher.
 */
public final class HeraldInfrastructure implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final SchemaRegistryServer registry;

    private HeraldInfrastructure(EmbeddedKafka kafka, SchemaRegistryServer registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /**
     * Starts broker and registry (in parallel: each takes seconds), creates Herald's topics and sets the registry's
     * compatibility rule.
     */
    public static HeraldInfrastructure start() {
        return start(null, null);
    }

    /**
     * @param kafkaDataDirectory where the broker keeps its logs, or null for a temporary directory
     * @param registryLog where the registry's output goes, or null for a temporary file
     */
    public static HeraldInfrastructure start(Path kafkaDataDirectory, Path registryLog) {
        var registryStart = new java.util.concurrent.CompletableFuture<SchemaRegistryServer>();
        Thread registryStarter = new Thread(() -> {
            try {
                registryStart.complete(SchemaRegistryServer.start(0, registryLog));
            } catch (RuntimeException e) {
                registryStart.completeExceptionally(e);
            }
        }, "schema-registry-starter");
        registryStarter.start();
        EmbeddedKafka kafka = null;
        try {
            kafka = EmbeddedKafka.start(kafkaDataDirectory);
            kafka.createTopics(Topics.all());
            SchemaRegistryServer registry = registryStart.join();
            // as herald-topics does in production
            RegistryCompatibility.requireBackward(RegistryEndpoint.of(registry.confluentApiUrl()));
            return new HeraldInfrastructure(kafka, registry);
        } catch (RuntimeException e) {
            registryStart.thenAccept(SchemaRegistryServer::close);
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Kafka clients of this broker, made the way the services make theirs. */
    public io.herald.runtime.kafka.KafkaClients kafkaClients() {
        return io.herald.runtime.kafka.KafkaClients.of(bootstrapServers());
    }

    /** The registry URL Herald is configured with: the registry's Confluent API. */
    public String registryUrl() {
        return registry.confluentApiUrl();
    }

    /** {@link #registryUrl()}, which asks no credentials. */
    public RegistryEndpoint registryEndpoint() {
        return RegistryEndpoint.of(registryUrl());
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public SchemaRegistryServer registry() {
        return registry;
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            registry.close();
        }
    }
}
