package io.herald.deploy;

import io.herald.deliverer.DelivererConfig;
import io.herald.deploy.topics.TopicsMain;
import io.herald.ingest.IngestSettings;
import io.herald.router.RouterConfig;
import io.herald.runtime.config.Setting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key of every Herald service, in one place: the source of the configuration table in the
 * README (checked by a test) and of the keys docker-compose may set.
 */
public final class ConfigurationReference {

    /** Service name (as in docker-compose) to the keys it reads. */
    public static final Map<String, List<Setting<?>>> BY_SERVICE = byService();

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
        return table.toString();
    }

    private static String defaultText(Setting<?> setting) {
        if (setting.required()) {
            return "**required**";
        }
        Object value = setting.defaultValue();
        boolean empty = value instanceof java.util.Collection<?> values && values.isEmpty()
                || value instanceof java.util.Optional<?> optional && optional.isEmpty();
        return empty ? "(none)" : "`" + value + "`";
    }

    /** Prints the table, to paste into the README. */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
