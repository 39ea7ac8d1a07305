package io.herald.deploy;

import io.herald.deliverer.DelivererConfig;
import io.herald.deploy.topics.TopicsMain;
import io.herald.ingest.config.IngestSettings;
import io.herald.router.RouterConfig;
import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.Setting;
import io.herald.runtime.config.SettingPrefix;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key of every Herald service, in one place: the source of the configuration table in the
 * configuration reference, docs/configuration.md (checked by a test), and of the keys docker-compose may set.
 */
public final class ConfigurationReference {

    /** Service name (as in docker-compose) to the keys it reads. */
    public static final Map<String, List<Setting<?>>> BY_SERVICE = byService();
    /** Families of keys passed through to a library; every service (and herald-topics) reads each. */
    public static final List<SettingPrefix> FAMILIES = List.of(CommonSettings.KAFKA_CLIENT);

    private ConfigurationReference() {
    }

    private static Map<String, List<Setting<?>>> byService() {
        Map<String, List<Setting<?>>> services = new LinkedHashMap<>();
        services.put("ingest", IngestSettings.SETTINGS);
        services.put("router", RouterConfig.SETTINGS);
        services.put("deliverer", DelivererConfig.SETTINGS);
        services.put("herald-topics", TopicsMain.SETTINGS);
        return Map.copyOf(services);
    }

    /** The Markdown table of all keys: key, environment variable, default, services, meaning. */
    public static String markdownTable() {
        Map<String, Setting<?>> keys = new java.util.TreeMap<>();
        Map<String, java.util.SortedSet<String>> users = new java.util.TreeMap<>();
        BY_SERVICE.forEach((service, settings) -> settings.forEach(setting -> {
            keys.put(setting.name(), setting);
            users.computeIfAbsent(setting.name(), k -> new java.util.TreeSet<>()).add(service);
        }));
        StringBuilder table = new StringBuilder("| key | environment variable | default | used by | meaning |\n"
                + "|---|---|---|---|---|\n");
        keys.values().forEach(setting -> table.append("| `").append(setting.name()).append("` | `")
                .append(setting.environmentVariable()).append("` | ")
                .append(defaultText(setting)).append(" | ")
                .append(String.join(", ", users.get(setting.name()))).append(" | ")
                .append(setting.doc()).append(" |\n"));
        String everyService = String.join(", ", new java.util.TreeSet<>(BY_SERVICE.keySet()));
        FAMILIES.forEach(family -> table.append("| `").append(family.prefix()).append("*` | `")
                .append(family.environmentPrefix()).append("*` | (none) | ").append(everyService).append(" | ")
                .append(family.doc()).append(". Environment: after the prefix, `_` is a dot, `__` an underscore, "
                        + "`___` a dash; e.g. `").append(family.example()).append("` |\n"));
        return table.toString();
    }

    private static String defaultText(Setting<?> setting) {
        if (setting.required()) {
            return "**required**";
        }
        return setting.defaultText().isEmpty() ? "(none)" : "`" + setting.defaultText() + "`";
    }

    /**
     * Every key as a commented configuration file: what it means, its rule, its environment variable and its
     * default, ready to uncomment. Keys several services read come first, then each service's own. It is
     * {@code deploy/config/herald.default.properties} (checked by a test), and a copy is what
     * {@code herald.config.file} names.
     */
    public static String defaultConfigFile() {
        Map<String, java.util.SortedSet<String>> users = new java.util.TreeMap<>();
        Map<String, Setting<?>> keys = new java.util.TreeMap<>();
        BY_SERVICE.forEach((service, settings) -> settings.forEach(setting -> {
            keys.put(setting.name(), setting);
            users.computeIfAbsent(setting.name(), k -> new java.util.TreeSet<>()).add(service);
        }));
        StringBuilder file = new StringBuilder("""
                # Herald's configuration: every key, what it does and its default. Generated from the key definitions
                # (io.herald.deploy.ConfigurationReference); a build test fails when this file is out of date.
                #
                # Give a value as a system property (-Dherald.kafka.bootstrap-servers=...), an environment variable
                # (HERALD_KAFKA_BOOTSTRAP_SERVERS=...), or in a copy of this file named by herald.config.file
                # (HERALD_CONFIG_FILE); the first of these that sets a key wins. Durations carry their unit (500ms, 30s,
                # 5m, 2h, 5d), sizes are bytes, lists are comma-separated; ${java.io.tmpdir} is that system property.
                # A commented key is at its default; a key marked required has none.
                """);
        java.util.function.BiConsumer<String, java.util.List<String>> section = (title, names) -> {
            file.append("\n## ").append(title).append("\n");
            for (String name : names) {
                Setting<?> setting = keys.get(name);
                file.append("\n");
                wrap("# ", setting.doc(), file);
                file.append("# ").append(setting.required() ? "Required. " : "").append("Must be ")
                        .append(setting.rule()).append(setting.secret() ? "; a secret" : "").append(". Env ")
                        .append(setting.environmentVariable()).append("\n");
                file.append("#").append(setting.name()).append("=")
                        .append(setting.required() ? "" : setting.defaultText()).append("\n");
            }
        };
        section.accept("Every service (or several)", keys.keySet().stream().filter(k -> users.get(k).size() > 1)
                .toList());
        FAMILIES.forEach(family -> {
            file.append("\n");
            wrap("# ", family.prefix() + "*: " + family.doc() + ".", file);
            // An example, not a default: not a "#key=value" line, which uncommented would set it.
            wrap("# ", "Env " + family.environmentPrefix() + "* (after the prefix, _ is a dot, __ an underscore, "
                    + "___ a dash). For example: " + family.example(), file);
        });
        BY_SERVICE.keySet().stream().sorted().forEach(service -> section.accept(service, keys.keySet().stream()
                .filter(k -> users.get(k).size() == 1 && users.get(k).contains(service)).toList()));
        return file.toString();
    }

    private static void wrap(String prefix, String text, StringBuilder out) {
        StringBuilder line = new StringBuilder(prefix);
        for (String word : text.split(" ")) {
            if (line.length() + word.length() + 1 > 116 && line.length() > prefix.length()) {
                out.append(line.toString().stripTrailing()).append("\n");
                line = new StringBuilder(prefix);
            }
            line.append(word).append(' ');
        }
        out.append(line.toString().stripTrailing()).append("\n");
    }

    /** Prints the table of docs/configuration.md, or with {@code --config-file} the default configuration file. */
    public static void main(String[] args) {
        System.out.print(args.length > 0 && args[0].equals("--config-file") ? defaultConfigFile() : markdownTable());
    }
}
