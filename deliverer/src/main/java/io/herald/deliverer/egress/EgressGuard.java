package io.herald.deliverer.egress;

import io.herald.runtime.egress.ForbiddenAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides where the deliverer may connect. Every address a host resolves to is checked, and the connection goes to
 * the address that was checked (the HTTP client resolves names through {@link GuardedResolverGroup}), so a DNS
 * answer that changes between check and connect can't slip through. A host that resolves to any forbidden
 * address is refused as a whole.
 */
public final class EgressGuard {

    /** Looks names up; the JDK's resolver unless a test provides its own. */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolveAll(String host) throws UnknownHostException;
    }

    private final ForbiddenAddresses policy;
    private final HostResolver resolver;

    public EgressGuard(ForbiddenAddresses policy, HostResolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    public EgressGuard(ForbiddenAddresses policy) {
        this(policy, InetAddress::getAllByName);
    }

    /** Why a webhook URL can't be delivered to, judged before any connection (scheme and literal host only). */
    public Optional<String> reasonToRefuse(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Optional.of("scheme '" + url.getScheme() + "' is not http or https");
        }
        if (url.getHost() == null) {
            return Optional.of("URL has no valid host");
        }
        if (url.getUserInfo() != null) {
            return Optional.of("URL carries credentials");
        }
        return policy.reasonToRefuseHost(url.getHost());
    }

    /**
     * Resolves a host and returns the address to connect to, if every address it resolves to is allowed.
     *
     * @throws EgressRefusedException saying which address is forbidden and why, or that the host is unknown
     */
    public InetAddress resolveChecked(String host) throws EgressRefusedException {
        Optional<String> refusal = policy.reasonToRefuseHost(host);
        if (refusal.isPresent()) {
            throw new EgressRefusedException(refusal.get());
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolveAll(host);
        } catch (UnknownHostException e) {
            throw new EgressRefusedException("host '" + host + "' does not resolve");
        }
        if (addresses.length == 0) {
            throw new EgressRefusedException("host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> reason = policy.reasonToRefuse(address);
            if (reason.isPresent()) {
                throw new EgressRefusedException("host '" + host + "' resolves to " + reason.get());
            }
        }
        return Arrays.stream(addresses).findFirst().orElseThrow();
    }
}
