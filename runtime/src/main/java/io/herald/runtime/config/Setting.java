package io.herald.runtime.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration key, defined once: name, meaning, default, parser and rule. Read from the system property of
 * the same name or from the environment variable derived from it ({@code herald.kafka.bootstrap-servers} &rarr;
 * {@code HERALD_KAFKA_BOOTSTRAP_SERVERS}).
 *
 * @param defaultValue null when the key is required
 * @param rule what a valid value looks like, shown in errors
 * @param secret whether the value must never appear in logs or error messages
 */
public record Setting<T>(
        String name,
        String doc,
        T defaultValue,
        Function<String, T> parser,
        Predicate<T> validator,
        String rule,
        boolean secret) {

    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(doc, "doc");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(validator, "validator");
    }

    public static Setting<String> text(String name, String defaultValue, String doc) {
        return new Setting<>(name, doc, defaultValue, String::trim, v -> !v.isEmpty(), "a non-empty text", false);
    }

    public static Setting<String> secretText(String name, String doc) {
        return new Setting<>(name, doc, null, String::trim, v -> !v.isEmpty(), "a non-empty text", true);
    }

    /** A text that may be left unset. */
    public static Setting<java.util.Optional<String>> optionalText(String name, String doc, boolean secret) {
        return new Setting<>(name, doc, java.util.Optional.empty(), v -> java.util.Optional.of(v.trim()),
                v -> true, "a text", secret);
    }

    public static Setting<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return new Setting<>(name, doc, defaultValue, Integer::valueOf, v -> v >= min && v <= max,
                "an integer from " + min + " to " + max, false);
    }

    public static Setting<Boolean> flag(String name, boolean defaultValue, String doc) {
        return new Setting<>(name, doc, defaultValue, v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        }, v -> true, "true or false", false);
    }

    /** The environment variable that sets this key. */
    public String environmentVariable() {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public boolean required() {
        return defaultValue == null;
    }
}
