package io.herald.ingest.http;

import io.micronaut.json.tree.JsonNode;
import java.math.BigInteger;

/**
 * The rules a JSON value must meet to become a Java value unchanged, shared by posted events and management-API
 * bodies: integers are integer literals within the target's range (never wrapped, clamped or rounded), text is
 * valid Unicode (so it survives UTF-8). Each check answers null when the value passes, else what it must be.
 */
public final class JsonValues {

    public static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    public static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    public static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    public static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private JsonValues() {
    }

    /** An integer literal within [min, max]: no fraction, no exponent (5.0 and 1e3 are refused, not rounded). */
    public static String integerProblem(JsonNode node, BigInteger min, BigInteger max) {
        String rule = "must be an integer from " + min + " to " + max;
        if (!node.isNumber()) {
            return rule;
        }
        Number number = node.getNumberValue();
        if (!(number instanceof Integer || number instanceof Long || number instanceof Short
                || number instanceof Byte || number instanceof BigInteger)) {
            return rule + ", written without a decimal point or exponent";
        }
        BigInteger value = number instanceof BigInteger big ? big : BigInteger.valueOf(number.longValue());
        return value.compareTo(min) < 0 || value.compareTo(max) > 0 ? rule : null;
    }

    /** Why the text is not valid Unicode (a lone surrogate can't be encoded as UTF-8), or null. */
    public static String unicodeProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode: it has a lone surrogate (\\u" + Integer.toHexString(c) + ") at index "
                        + i;
            }
        }
        return null;
    }

    /** A JSON string that is valid Unicode. */
    public static String stringProblem(JsonNode node) {
        return node.isString() ? unicodeProblem(node.getStringValue()) : "must be a string";
    }
}
