package io.herald.deliverer.egress;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP proxy all webhook traffic goes through, except hosts matched by {@link NoProxy}. The proxy's own
 * address is resolved once, at startup, and is not subject to the egress guard (it is the operator's choice).
 */
public final class EgressProxy extends ProxySelector {

    private final Proxy proxy;
    private final NoProxy noProxy;
    private final String description;

    private EgressProxy(InetSocketAddress address, NoProxy noProxy, String description) {
        this.proxy = new Proxy(Proxy.Type.HTTP, address);
        this.noProxy = noProxy;
        this.description = description;
    }

    /**
     * @param url {@code http://host:port} of the proxy
     * @throws IllegalArgumentException saying what is wrong with the URL
     */
    public static EgressProxy of(String url, NoProxy noProxy) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("egress proxy '" + url + "' is not a URL");
        }
        if (!"http".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT)) || uri.getHost() == null
                || uri.getPort() < 1) {
            throw new IllegalArgumentException("egress proxy must be http://host:port, got '" + url + "'");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("egress proxy credentials are not supported; allow Herald by address");
        }
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort()); // resolved now, once
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("egress proxy host '" + uri.getHost() + "' does not resolve");
        }
        return new EgressProxy(address, noProxy, uri.getHost() + ":" + uri.getPort());
    }

    /** Whether requests to this host go through the proxy. */
    public boolean proxies(String host) {
        return !noProxy.bypasses(host);
    }

    @Override
    public List<Proxy> select(URI uri) {
        return proxies(uri.getHost()) ? List.of(proxy) : List.of(Proxy.NO_PROXY);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, java.io.IOException error) {
        // the attempt records the failure; nothing to remember here
    }

    @Override
    public String toString() {
        return "EgressProxy[" + description + "]";
    }
}
