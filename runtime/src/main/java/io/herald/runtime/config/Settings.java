package io.herald.runtime.config;

import java.util.Map;

/**
 * Where configuration values come from: system properties first, then environment variables, then the
 * {@link Setting}'s default. A missing or invalid value stops the service with a message naming the key, both of
 * its spellings and the rule (never the value of a secret).
 */
public final class Settings {

    private final Map<String, String> properties;
    private final Map<String, String> environment;

    public Settings(Map<String, String> properties, Map<String, String> environment) {
        this.properties = Map.copyOf(properties);
        this.environment = Map.copyOf(environment);
    }

    /** This process's system properties and environment. */
    public static Settings fromProcess() {
        Map<String, String> props = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        return new Settings(props, System.getenv());
    }

    /** Only the given values (tests, embedded use). */
    public static Settings of(Map<String, String> values) {
        return new Settings(values, Map.of());
    }

    public <T> T get(Setting<T> setting) {
        String raw = properties.getOrDefault(setting.name(), environment.get(setting.environmentVariable()));
        if (raw == null || raw.isBlank()) {
            if (setting.required()) {
                throw new ConfigException(setting.name() + " (env " + setting.environmentVariable()
                        + ") is required: " + setting.doc());
            }
            return setting.defaultValue();
        }
        T value;
        try {
            value = setting.parser().apply(raw);
        } catch (RuntimeException e) {
            throw invalid(setting, raw);
        }
        if (!setting.validator().test(value)) {
            throw invalid(setting, raw);
        }
        return value;
    }

    private static ConfigException invalid(Setting<?> setting, String raw) {
        String shown = setting.secret() ? "<redacted>" : "'" + raw + "'";
        return new ConfigException(setting.name() + " (env " + setting.environmentVariable() + ") must be "
                + setting.rule() + ", got " + shown);
    }
}
