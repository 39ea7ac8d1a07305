package io.herald.publisher;

import io.herald.schemas.registry.RegistryEndpoint;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link HeraldPublisher}.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param registry the schema registry's Confluent API and its credentials, e.g. {@code
 *        RegistryEndpoint.of("https://sr.example.com").withBasicAuth(key, secret)}
 * @param clientId Kafka client id; name the publishing service, it shows in broker logs and quotas
 * @param deliveryTimeout how long a publish may take, retries included, before its future fails
 * @param overrides extra Kafka producer settings (security.protocol, sasl.*, ssl.* for a secured cluster); cannot
 *        weaken {@code acks=all} or idempotence
 */
public record PublisherConfig(
        String bootstrapServers,
        RegistryEndpoint registry,
        String clientId,
        Duration deliveryTimeout,
        Map<String, Object> overrides) {

    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    public PublisherConfig {
        requireText(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(registry, "registry");
        requireText(clientId, "clientId");
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (deliveryTimeout.isNegative() || deliveryTimeout.isZero()) {
            throw new IllegalArgumentException("deliveryTimeout must be positive, got " + deliveryTimeout);
        }
        overrides = Map.copyOf(overrides);
    }

    /** For a registry that asks no credentials, at {@code registryUrl} (its Confluent API). */
    public static PublisherConfig of(String bootstrapServers, String registryUrl, String clientId) {
        return of(bootstrapServers, RegistryEndpoint.of(registryUrl), clientId);
    }

    public static PublisherConfig of(String bootstrapServers, RegistryEndpoint registry, String clientId) {
        return new PublisherConfig(bootstrapServers, registry, clientId, DEFAULT_DELIVERY_TIMEOUT, Map.of());
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
