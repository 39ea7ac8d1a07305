package io.herald.deliverer;

import io.herald.schemas.config.CommonSettings;
import io.herald.schemas.egress.Cidr;
import io.herald.schemas.config.Setting;
import io.herald.schemas.config.Settings;
import io.herald.schemas.security.SecretCipher;
import java.time.Duration;
import java.util.List;

/**
 * The deliverer's configuration, validated at startup.
 *
 * @param groupId consumer group shared by every deliverer instance; partitions are spread over them
 * @param maxInFlight deliveries under way at once in this instance; polling pauses at the limit
 * @param defaultTimeout per-attempt timeout for webhooks that don't set their own
 * @param connectTimeout time to establish a connection, within the attempt timeout
 * @param allowedNetworks networks reachable although forbidden by default (see {@code ForbiddenAddresses})
 */
public record DelivererConfig(
        String bootstrapServers,
        String registryUrl,
        SecretCipher secretCipher,
        String groupId,
        int maxInFlight,
        Duration defaultTimeout,
        Duration connectTimeout,
        List<Cidr> allowedNetworks) {

    public DelivererConfig {
        allowedNetworks = List.copyOf(allowedNetworks);
    }

    public static final Setting<String> GROUP_ID = Setting.text("herald.deliverer.group-id", "herald-deliverer",
            "Consumer group of the deliverers");
    public static final Setting<Integer> MAX_IN_FLIGHT = Setting.integer("herald.deliverer.max-in-flight", 512, 1,
            100_000, "Deliveries under way at once per deliverer instance");
    public static final Setting<Integer> DEFAULT_TIMEOUT_MS = Setting.integer("herald.deliverer.default-timeout-ms",
            30_000, 100, 60_000, "Per-attempt timeout in milliseconds for webhooks without their own");
    public static final Setting<Integer> CONNECT_TIMEOUT_MS = Setting.integer("herald.deliverer.connect-timeout-ms",
            5_000, 100, 60_000, "Connection timeout in milliseconds");

    public static final Setting<List<Cidr>> ALLOWED_NETWORKS = new Setting<>("herald.deliverer.egress.allowed-networks",
            "Comma-separated CIDRs webhooks may reach although they are private, loopback or otherwise forbidden "
                    + "(e.g. 127.0.0.0/8 for local development); empty in production",
            List.of(), DelivererConfig::parseNetworks, v -> true, "comma-separated CIDRs such as 10.8.0.0/16",
            false);

    /** Every key the deliverer reads. */
    public static final List<Setting<?>> SETTINGS = List.of(CommonSettings.KAFKA_BOOTSTRAP_SERVERS,
            CommonSettings.REGISTRY_URL, CommonSettings.SECRET_KEYS, GROUP_ID, MAX_IN_FLIGHT, DEFAULT_TIMEOUT_MS,
            CONNECT_TIMEOUT_MS, ALLOWED_NETWORKS);

    public static DelivererConfig from(Settings settings) {
        return new DelivererConfig(
                settings.get(CommonSettings.KAFKA_BOOTSTRAP_SERVERS),
                settings.get(CommonSettings.REGISTRY_URL),
                SecretCipher.fromKeyRing(settings.get(CommonSettings.SECRET_KEYS)),
                settings.get(GROUP_ID),
                settings.get(MAX_IN_FLIGHT),
                Duration.ofMillis(settings.get(DEFAULT_TIMEOUT_MS)),
                Duration.ofMillis(settings.get(CONNECT_TIMEOUT_MS)),
                settings.get(ALLOWED_NETWORKS));
    }

    static List<Cidr> parseNetworks(String value) {
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Cidr::parse).toList();
    }
}
