package io.herald.runtime.config;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A service's configuration for embedding and tests, built the way production builds it: values are set per
 * {@link Setting}, written as an operator writes them, and go through the same parsers, rules and defaults.
 *
 * <pre>{@code
 * DelivererConfig config = DelivererConfig.builder(bootstrap, registry, keyRing)
 *         .set(DelivererConfig.MAX_IN_FLIGHT, 100)
 *         .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofSeconds(3))
 *         .build();
 * }</pre>
 */
public final class ConfigBuilder<C> {

    private final Function<Settings, C> from;
    private final Map<String, String> values = new LinkedHashMap<>();

    public ConfigBuilder(Function<Settings, C> from) {
        this.from = from;
    }

    /**
     * @param value the value as text, or an object written as configuration writes it: a {@link Duration} with its
     *     unit, a collection comma-separated, anything else as {@code toString()}
     */
    public ConfigBuilder<C> set(Setting<?> setting, Object value) {
        values.put(setting.name(), text(value));
        return this;
    }

    /** Sets keys of a family: {@code set(CommonSettings.KAFKA_CLIENT, Map.of("security.protocol", "SASL_SSL"))}. */
    public ConfigBuilder<C> set(SettingPrefix family, Map<String, String> values) {
        this.values.putAll(family.keys(values));
        return this;
    }

    /** @throws ConfigException as at startup, naming the key that is wrong */
    public C build() {
        return from.apply(Settings.of(values));
    }

    private static String text(Object value) {
        if (value instanceof Duration duration) {
            return Durations.format(duration);
        }
        if (value instanceof java.util.Optional<?> optional) {
            return optional.map(ConfigBuilder::text).orElse("");
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(ConfigBuilder::text).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }
}
