package io.herald.runtime.egress;

import java.util.regex.Pattern;

/**
 * Recognises how a URL host spells an IP address. Only canonical dotted-quad IPv4 and bracket-free IPv6 literals
 * are acceptable; other numeric spellings ({@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}, {@code 127.1})
 * mean different addresses to different parsers, so Herald refuses them instead of guessing.
 */
final class IpLiterals {

    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[\\w.-]+)?");
    /** Hosts made only of numbers and dots, hex numbers included: what some parsers take for an IPv4 address. */
    private static final Pattern NUMERIC_LOOKING =
            Pattern.compile("((0[xX][0-9a-fA-F]*)|\\d+)(\\.((0[xX][0-9a-fA-F]*)|\\d+))*\\.?");

    private IpLiterals() {
    }

    static boolean isCanonicalLiteral(String host) {
        return DOTTED_QUAD.matcher(host).matches() || IPV6.matcher(host).matches();
    }

    /** Numeric-looking but not a canonical dotted quad: decimal, octal, hex or shortened IPv4 forms. */
    static boolean isAmbiguousNumeric(String host) {
        return NUMERIC_LOOKING.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches();
    }
}
