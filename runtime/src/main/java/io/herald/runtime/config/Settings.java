package io.herald.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where configuration values come from: system properties first, then environment variables, then the
 * configuration file named by {@link #CONFIG_FILE} (a properties file such as
 * {@code deploy/config/herald.default.properties}), then the {@link Setting}'s default. {@code ${name}} in a value
 * is the system property of that name ({@code ${java.io.tmpdir}}). A missing or invalid value stops the service with
 * a message naming the key, both of its spellings and the rule (never the value of a secret).
 */
public final class Settings {

    /** The key, and environment variable {@code HERALD_CONFIG_FILE}, naming the configuration file. */
    public static final String CONFIG_FILE = "herald.config.file";

    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Map<String, String> file;
    /** The keys asked for so far, so a test can hold a service's reads against its documented keys. */
    private final java.util.Set<String> read = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public Settings(Map<String, String> properties, Map<String, String> environment, Map<String, String> file) {
        this.properties = Map.copyOf(properties);
        this.environment = Map.copyOf(environment);
        this.file = Map.copyOf(file);
    }

    /** This process's system properties, environment and configuration file. */
    public static Settings fromProcess() {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        return new Settings(props, System.getenv(), configFile(props, System.getenv()));
    }

    /** Only the given values (tests, embedded use). */
    public static Settings of(Map<String, String> values) {
        return new Settings(values, Map.of(), Map.of());
    }

    /**
     * The values of the configuration file that the properties or environment name, none when they name none.
     *
     * @throws ConfigException when the file named can't be read
     */
    public static Map<String, String> configFile(Map<String, String> properties, Map<String, String> environment) {
        String named = properties.getOrDefault(CONFIG_FILE, environment.get("HERALD_CONFIG_FILE"));
        if (named == null || named.isBlank()) {
            return Map.of();
        }
        Properties values = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(named.trim()), StandardCharsets.UTF_8)) {
            values.load(reader);
        } catch (IOException e) {
            throw new ConfigException(CONFIG_FILE + " (env HERALD_CONFIG_FILE) names " + named
                    + ", which can't be read: " + e.getMessage());
        }
        Map<String, String> map = new HashMap<>();
        values.forEach((k, v) -> map.put(k.toString(), v.toString()));
        return map;
    }

    /**
     * Reads a min.insync.replicas key whose value must not exceed a replication factor key's: more in-sync
     * replicas than replicas would let no write ever succeed.
     *
     * @throws ConfigException naming both keys
     */
    public int minInSyncReplicas(Setting<Integer> minInSync, Setting<Integer> replicas) {
        int min = get(minInSync);
        int factor = get(replicas);
        if (factor > 0 && min > factor) {
            throw new ConfigException(minInSync.name() + " (" + min + ") must be at most " + replicas.name() + " ("
                    + factor + "): no write could ever succeed");
        }
        return min;
    }

    public <T> T get(Setting<T> setting) {
        read.add(setting.name());
        String raw = properties.get(setting.name());
        if (raw == null) {
            raw = environment.get(setting.environmentVariable());
        }
        if (raw == null) {
            raw = file.get(setting.name());
        }
        if (raw == null || raw.isBlank()) {
            if (setting.required()) {
                throw new ConfigException(setting.name() + " (env " + setting.environmentVariable()
                        + ") is required: " + setting.doc());
            }
            return setting.defaultValue();
        }
        T value;
        try {
            value = setting.parser().apply(Setting.resolve(raw));
        } catch (RuntimeException e) {
            throw invalid(setting, raw);
        }
        if (!setting.validator().test(value)) {
            throw invalid(setting, raw);
        }
        return value;
    }

    /**
     * Every key of a family, by its name after the prefix, from the same sources in the same order as
     * {@link #get}. Values are passed on as written: the library that defines them resolves its own references
     * (Kafka's {@code ${file:...}} and {@code ${dir:...}} config providers).
     */
    public Map<String, String> family(SettingPrefix family) {
        read.add(family.prefix() + "*");
        Map<String, String> values = new java.util.TreeMap<>();
        collect(file, family.prefix(), values);
        String environmentPrefix = family.environmentPrefix();
        environment.forEach((variable, value) -> {
            if (variable.startsWith(environmentPrefix) && variable.length() > environmentPrefix.length()) {
                values.put(SettingPrefix.nameOfEnvironmentRest(variable.substring(environmentPrefix.length())),
                        value);
            }
        });
        collect(properties, family.prefix(), values);
        values.values().removeIf(String::isBlank);
        return values;
    }

    private static void collect(Map<String, String> source, String prefix, Map<String, String> into) {
        source.forEach((key, value) -> {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                into.put(key.substring(prefix.length()), value);
            }
        });
    }

    /** The names of the keys read through this object so far. */
    public java.util.Set<String> read() {
        return java.util.Set.copyOf(read);
    }

    private static ConfigException invalid(Setting<?> setting, String raw) {
        String shown = setting.secret() ? "<redacted>" : "'" + raw + "'";
        return new ConfigException(setting.name() + " (env " + setting.environmentVariable() + ") must be "
                + setting.rule() + ", got " + shown);
    }
}
