package io.herald.deliverer.egress;

import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hosts reached directly although an egress proxy is configured, in the usual {@code no_proxy} syntax: exact
 * names, domain suffixes ({@code example.com} and {@code .example.com} both cover {@code a.example.com}), IP
 * literals or CIDRs, and {@code *} for everything.
 */
public final class NoProxy {

    private final List<String> domains;
    private final List<Cidr> networks;
    private final boolean everything;

    private NoProxy(List<String> domains, List<Cidr> networks, boolean everything) {
        this.domains = domains;
        this.networks = networks;
        this.everything = everything;
    }

    public static NoProxy parse(String list) {
        List<String> domains = new ArrayList<>();
        List<Cidr> networks = new ArrayList<>();
        boolean everything = false;
        for (String raw : list.split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                everything = true;
            } else if (ForbiddenAddresses.isIpLiteral(entry.split("/")[0])) {
                networks.add(Cidr.parse(entry));
            } else {
                domains.add(entry.startsWith(".") ? entry.substring(1) : entry);
            }
        }
        return new NoProxy(List.copyOf(domains), List.copyOf(networks), everything);
    }

    public static NoProxy none() {
        return new NoProxy(List.of(), List.of(), false);
    }

    public boolean bypasses(String host) {
        if (everything) {
            return true;
        }
        String name = host.toLowerCase(Locale.ROOT).replace("[", "").replace("]", "");
        if (ForbiddenAddresses.isIpLiteral(name)) {
            try {
                InetAddress address = InetAddress.getByName(name); // a literal: no lookup
                return networks.stream().anyMatch(network -> network.contains(address));
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return domains.stream().anyMatch(domain -> name.equals(domain) || name.endsWith("." + domain));
    }
}
