package io.herald.runtime.config;

import io.herald.runtime.egress.Cidr;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration key, defined once: name, meaning, default, parser and rule. The default is written the way an
 * operator writes the value ({@code 30s}, {@code 10.0.0.0/8}, {@code standard}) and goes through the same parser,
 * so the documentation, the default configuration file and the running service can't disagree. Read from the
 * system property of the same name, the environment variable derived from it
 * ({@code herald.kafka.bootstrap-servers} &rarr; {@code HERALD_KAFKA_BOOTSTRAP_SERVERS}) or the configuration
 * file ({@link Settings}).
 *
 * <p>One style for each kind of value: durations carry their unit ({@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 2h}, {@code 5d}; a bare number is refused), sizes are bytes in keys ending in {@code -bytes}, lists are
 * comma-separated.
 */
public final class Setting<T> {

    private final String name;
    private final String doc;
    private final String defaultText;
    private final T defaultValue;
    private final Function<String, T> parser;
    private final Predicate<T> validator;
    private final String rule;
    private final boolean secret;

    /**
     * @param defaultText the default as it would be written, "" for a key that may stay unset, null when the key
     *     is required; may name a system property, {@code ${java.io.tmpdir}/x}, resolved when read
     * @param rule what a valid value looks like, shown in errors
     * @param secret whether the value must never appear in logs or error messages
     */
    public Setting(String name, String doc, String defaultText, Function<String, T> parser, Predicate<T> validator,
            String rule, boolean secret) {
        this.name = Objects.requireNonNull(name, "name");
        this.doc = Objects.requireNonNull(doc, "doc");
        this.defaultText = defaultText;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.secret = secret;
        this.defaultValue = defaultText == null ? null : parser.apply(resolve(defaultText));
        if (defaultValue != null && !validator.test(defaultValue)) {
            throw new IllegalArgumentException(name + ": the default '" + defaultText + "' breaks its own rule");
        }
    }

    public static Setting<String> text(String name, String defaultText, String doc) {
        return new Setting<>(name, doc, defaultText, String::trim, v -> !v.isEmpty(), "a non-empty text", false);
    }

    /** A required text that must never be shown: a key ring, a list of key hashes. */
    public static Setting<String> secretText(String name, String doc) {
        return new Setting<>(name, doc, null, String::trim, v -> !v.isEmpty(), "a non-empty text", true);
    }

    /** A text that may be left unset. */
    public static Setting<Optional<String>> optionalText(String name, String doc, boolean secret) {
        return new Setting<>(name, doc, "", v -> v.isBlank() ? Optional.empty() : Optional.of(v.trim()), v -> true,
                "a text", secret);
    }

    public static Setting<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return new Setting<>(name, doc, Integer.toString(defaultValue), v -> Integer.valueOf(v.trim()),
                v -> v >= min && v <= max, "an integer from " + min + " to " + max, false);
    }

    public static Setting<Boolean> flag(String name, boolean defaultValue, String doc) {
        return new Setting<>(name, doc, Boolean.toString(defaultValue), v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        }, v -> true, "true or false", false);
    }

    /** A duration written with its unit ({@link Durations}), from {@code min} to {@code max}. */
    public static Setting<Duration> duration(String name, String defaultText, Duration min, Duration max,
            String doc) {
        return new Setting<>(name, doc, defaultText, Durations::parse,
                v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0,
                "a duration such as 500ms, 30s, 5m, 2h or 5d, from " + Durations.format(min) + " to "
                        + Durations.format(max), false);
    }

    /** Comma-separated CIDRs, such as {@code 10.8.0.0/16,127.0.0.0/8}; empty by default. */
    public static Setting<List<Cidr>> cidrs(String name, String doc) {
        return new Setting<>(name, doc, "", Cidr::parseList, v -> true,
                "comma-separated CIDRs such as 10.8.0.0/16", false);
    }

    /** Delays before each retry: a preset name or comma-separated durations ({@link RetryDelays}). */
    public static Setting<List<Duration>> retryDelays(String name, String defaultText, String doc) {
        return new Setting<>(name, doc, defaultText, RetryDelays::parse, v -> RetryDelays.problem(v).isEmpty(),
                "a preset (" + String.join(", ", RetryDelays.PRESETS.keySet().stream().sorted().toList())
                        + ") or 1 to " + RetryDelays.MAX_RETRIES + " delays such as 30s,5m, each at most "
                        + Durations.format(RetryDelays.MAX_DELAY), false);
    }

    /** One of an enum's constants, written in lower case. */
    public static <E extends Enum<E>> Setting<E> oneOf(String name, Class<E> type, E defaultValue, String doc) {
        return new Setting<>(name, doc, defaultValue.name().toLowerCase(Locale.ROOT),
                v -> Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT)), v -> true, "one of " + String.join(", ",
                Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList()), false);
    }

    public String name() {
        return name;
    }

    public String doc() {
        return doc;
    }

    /** The default as written in configuration ("" when the key stays unset by default); null when required. */
    public String defaultText() {
        return defaultText;
    }

    /** The default, parsed; null when required. */
    public T defaultValue() {
        return defaultValue;
    }

    public Function<String, T> parser() {
        return parser;
    }

    public Predicate<T> validator() {
        return validator;
    }

    public String rule() {
        return rule;
    }

    public boolean secret() {
        return secret;
    }

    /** The environment variable that sets this key. */
    public String environmentVariable() {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public boolean required() {
        return defaultText == null;
    }

    /** {@code ${java.io.tmpdir}} and other system properties in a default, resolved on this machine. */
    static String resolve(String text) {
        String resolved = text;
        int start;
        while ((start = resolved.indexOf("${")) >= 0) {
            int end = resolved.indexOf('}', start);
            if (end < 0) {
                break;
            }
            String property = resolved.substring(start + 2, end);
            resolved = resolved.substring(0, start) + System.getProperty(property, "") + resolved.substring(end + 1);
        }
        return resolved;
    }

    @Override
    public String toString() {
        return "Setting[" + name + "]";
    }
}
