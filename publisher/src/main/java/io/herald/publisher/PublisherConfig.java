package io.herald.publisher;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link HeraldPublisher}.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
 * @param registryUrl schema registry (Apicurio v2 API) URL, e.g. {@code http://localhost:8081/apis/registry/v2}
 * @param clientId Kafka client id; name the publishing service, it shows in broker logs and quotas
 * @param deliveryTimeout how long a publish may take, retries included, before its future fails
 * @param overrides extra Kafka producer settings; cannot weaken {@code acks=all} or idempotence
 */
public record PublisherConfig(
        String bootstrapServers,
        String registryUrl,
        String clientId,
        Duration deliveryTimeout,
        Map<String, Object> overrides) {

    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    public PublisherConfig {
        requireText(bootstrapServers, "bootstrapServers");
        requireText(registryUrl, "registryUrl");
        requireText(clientId, "clientId");
        Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
        if (deliveryTimeout.isNegative() || deliveryTimeout.isZero()) {
            throw new IllegalArgumentException("deliveryTimeout must be positive, got " + deliveryTimeout);
        }
        overrides = Map.copyOf(overrides);
    }

    public static PublisherConfig of(String bootstrapServers, String registryUrl, String clientId) {
        return new PublisherConfig(bootstrapServers, registryUrl, clientId, DEFAULT_DELIVERY_TIMEOUT, Map.of());
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
