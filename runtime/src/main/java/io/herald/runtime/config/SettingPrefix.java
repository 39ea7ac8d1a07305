package io.herald.runtime.config;

import java.util.Locale;
import java.util.Objects;

/**
 * A family of keys passed through to a library that defines them itself ({@code herald.kafka.client.} + any Kafka
 * client property). Its environment form follows Confluent's images: after the prefix's own
 * ({@code HERALD_KAFKA_CLIENT_}), {@code _} is a dot, {@code __} an underscore and {@code ___} a dash
 * ({@code HERALD_KAFKA_CLIENT_SASL_JAAS_CONFIG} is {@code herald.kafka.client.sasl.jaas.config}).
 *
 * @param prefix the keys' common start, ending in a dot
 * @param doc what the keys do, for the reference and the default configuration file
 * @param example a {@code name=value} line showing one
 */
public record SettingPrefix(String prefix, String doc, String example) {

    public SettingPrefix {
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(example, "example");
        if (!prefix.endsWith(".")) {
            throw new IllegalArgumentException("a prefix ends in a dot: " + prefix);
        }
    }

    /** {@code HERALD_KAFKA_CLIENT_} for {@code herald.kafka.client.}. */
    public String environmentPrefix() {
        return prefix.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The name after the prefix that an environment variable's rest spells ({@code SASL_JAAS_CONFIG}). */
    static String nameOfEnvironmentRest(String rest) {
        return rest.toLowerCase(Locale.ROOT).replace("___", "\u0000").replace("__", "\u0001").replace('_', '.')
                .replace('\u0000', '-').replace('\u0001', '_');
    }

    /** The full keys of these names of the family: sasl.mechanism is herald.kafka.client.sasl.mechanism. */
    public java.util.Map<String, String> keys(java.util.Map<String, String> values) {
        java.util.Map<String, String> keys = new java.util.HashMap<>();
        values.forEach((name, value) -> keys.put(prefix + name, value));
        return keys;
    }

    /** The environment variable of one key of the family. */
    public String environmentVariable(String name) {
        StringBuilder variable = new StringBuilder(environmentPrefix());
        for (char c : name.toCharArray()) {
            switch (c) {
                case '.' -> variable.append('_');
                case '_' -> variable.append("__");
                case '-' -> variable.append("___");
                default -> variable.append(Character.toUpperCase(c));
            }
        }
        return variable.toString();
    }
}
