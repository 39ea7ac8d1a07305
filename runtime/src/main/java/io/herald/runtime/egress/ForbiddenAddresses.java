package io.herald.runtime.egress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Addresses webhooks must never reach: loopback, private (RFC 1918), CGNAT, link-local (cloud metadata at
 * 169.254.169.254), multicast, unspecified, documentation, benchmarking and reserved ranges, their IPv6
 * counterparts, and IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4, Teredo). Operators can allow
 * specific networks (e.g. 127.0.0.0/8 for local development) with an allowlist.
 */
public final class ForbiddenAddresses {

    private record Range(Cidr cidr, String reason) {
    }

    private static final List<Range> IPV4 = List.of(
            range("0.0.0.0/8", "an unspecified ('this network') address"),
            range("10.0.0.0/8", "a private (RFC 1918) address"),
            range("100.64.0.0/10", "a carrier-grade NAT address"),
            range("127.0.0.0/8", "a loopback address"),
            range("169.254.0.0/16", "a link-local address (cloud metadata lives here)"),
            range("172.16.0.0/12", "a private (RFC 1918) address"),
            range("192.0.0.0/24", "an IETF protocol assignment address"),
            range("192.0.2.0/24", "a documentation address"),
            range("192.88.99.0/24", "a 6to4 relay anycast address"),
            range("192.168.0.0/16", "a private (RFC 1918) address"),
            range("198.18.0.0/15", "a benchmarking address"),
            range("198.51.100.0/24", "a documentation address"),
            range("203.0.113.0/24", "a documentation address"),
            range("224.0.0.0/4", "a multicast address"),
            range("240.0.0.0/4", "a reserved address (and broadcast)"));

    private static final List<Range> IPV6 = List.of(
            range("::/128", "an unspecified address"),
            range("::1/128", "a loopback address"),
            range("100::/64", "a discard-only address"),
            range("2001:db8::/32", "a documentation address"),
            range("2001::/23", "an IETF protocol assignment address (Teredo included)"),
            range("2002::/16", "a 6to4 address"),
            range("fc00::/7", "a unique local (private) address"),
            range("fe80::/10", "a link-local address"),
            range("fec0::/10", "a site-local address"),
            range("ff00::/8", "a multicast address"));

    // Built from bytes: the JDK parses "::ffff:0:0" to an IPv4 address.
    private static final Cidr IPV4_MAPPED = new Cidr(
            new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96, "::ffff:0:0/96");
    private static final Cidr IPV4_COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");

    private final List<Cidr> allowed;

    /** @param allowed networks that are reachable even though they fall in a forbidden range */
    public ForbiddenAddresses(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** No exceptions: every forbidden range is refused. */
    public static ForbiddenAddresses strict() {
        return new ForbiddenAddresses(List.of());
    }

    /** Why Herald must not connect to this address, or empty if it may. */
    public Optional<String> reasonToRefuse(InetAddress address) {
        if (allowed.stream().anyMatch(cidr -> cidr.contains(address))) {
            return Optional.empty();
        }
        if (address instanceof Inet6Address) {
            Optional<InetAddress> embedded = embeddedIpv4(address);
            if (embedded.isPresent()) {
                return reasonToRefuse(embedded.get())
                        .map(reason -> reason + " (embedded in IPv6 " + address.getHostAddress() + ")");
            }
            return firstMatch(IPV6, address);
        }
        return firstMatch(IPV4, address);
    }

    /**
     * Why a URL host must be refused without looking it up in DNS: an ambiguous numeric spelling, or an IP literal
     * in a forbidden range. Empty for names (they are checked when resolved) and for allowed literals.
     */
    public Optional<String> reasonToRefuseHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (isAmbiguousNumericHost(bare)) {
            return Optional.of("host '" + host + "' is a non-standard numeric IP spelling; write the address as "
                    + "a dotted quad or use a name");
        }
        if (!isIpLiteral(bare)) {
            return Optional.empty();
        }
        try {
            return reasonToRefuse(InetAddress.getByName(bare)); // a literal: no DNS lookup happens
        } catch (UnknownHostException e) {
            return Optional.of("host '" + host + "' is not a valid IP address");
        }
    }

    /** Whether a host spells an IP address in a way parsers disagree on (decimal, octal, hex, shortened). */
    public static boolean isAmbiguousNumericHost(String host) {
        return IpLiterals.isAmbiguousNumeric(host);
    }

    /** Whether a host is an IP literal (dotted quad or IPv6), as opposed to a name to resolve. */
    public static boolean isIpLiteral(String host) {
        return IpLiterals.isCanonicalLiteral(host);
    }

    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        // The JDK already turns ::ffff:a.b.c.d into an Inet4Address; these cover every other spelling.
        if (IPV4_MAPPED.contains(address) || NAT64.contains(address)
                || IPV4_COMPATIBLE.contains(address) && !isUnspecifiedOrLoopback(address)) {
            return Optional.of(ipv4(address.getAddress(), 12));
        }
        return Optional.empty();
    }

    private static boolean isUnspecifiedOrLoopback(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < 15; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[15] == 0 || bytes[15] == 1;
    }

    private static InetAddress ipv4(byte[] bytes, int offset) {
        try {
            return Inet4Address.getByAddress(new byte[] {bytes[offset], bytes[offset + 1], bytes[offset + 2],
                    bytes[offset + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static Optional<String> firstMatch(List<Range> ranges, InetAddress address) {
        return ranges.stream()
                .filter(range -> range.cidr().contains(address))
                .findFirst()
                .map(range -> address.getHostAddress() + " is " + range.reason());
    }

    private static Range range(String cidr, String reason) {
        return new Range(Cidr.parse(cidr), reason);
    }
}
