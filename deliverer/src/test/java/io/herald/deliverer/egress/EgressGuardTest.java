package io.herald.deliverer.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EgressGuardTest {

    /** Names a test DNS answers; everything else is looked up as an IP literal or not found. */
    private static final Map<String, List<String>> DNS = Map.of(
            "localhost", List.of("127.0.0.1", "::1"),
            "metadata.internal", List.of("169.254.169.254"),
            "intranet.corp.test", List.of("10.1.2.3"),
            "rebind.test", List.of("93.184.216.34", "10.0.0.7"),
            "v6-private.test", List.of("fd00::1"),
            "hooks.example.com", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"));

    private final EgressGuard strict = new EgressGuard(ForbiddenAddresses.strict(), EgressGuardTest::resolve);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://127.0.0.1/hook                    | loopback",
            "http://127.255.255.254/                  | loopback",
            "http://10.0.0.1/                         | private (RFC 1918)",
            "http://172.16.5.4/                       | private (RFC 1918)",
            "http://172.31.255.255/                   | private (RFC 1918)",
            "http://192.168.1.1/                      | private (RFC 1918)",
            "http://100.64.0.1/                       | carrier-grade NAT",
            "http://169.254.169.254/latest/meta-data/ | link-local",
            "http://0.0.0.0/                          | unspecified",
            "http://224.0.0.1/                        | multicast",
            "http://255.255.255.255/                  | reserved",
            "http://240.0.0.1/                        | reserved",
            "http://198.18.0.1/                       | benchmarking",
            "http://2130706433/                       | non-standard numeric",
            "http://0x7f.0.0.1/                       | no valid host",
            "http://0177.0.0.1/                       | non-standard numeric",
            "http://0x7f.0.0.1/                       | no valid host",
            "http://127.1/                            | no valid host",
            "http://017700000001/                     | non-standard numeric",
            "http://0/                                | non-standard numeric",
            "http://[::1]/                            | loopback",
            "http://[::]/                             | unspecified",
            "http://[::ffff:127.0.0.1]/               | loopback",
            "http://[::ffff:7f00:1]/                  | loopback",
            "http://[::ffff:169.254.169.254]/         | link-local",
            "http://[fe80::1]/                        | link-local",
            "http://[fc00::1]/                        | unique local",
            "http://[fd12:3456:789a::1]/              | unique local",
            "http://[ff02::1]/                        | multicast",
            "http://[64:ff9b::a9fe:a9fe]/             | link-local",
            "http://[::127.0.0.1]/                    | loopback",
            "http://[2002:7f00:1::]/                  | 6to4",
            "http://[2001:db8::1]/                    | documentation",
            "http://localhost:8080/                   | loopback",
            "http://metadata.internal/                | link-local",
            "http://intranet.corp.test/               | private (RFC 1918)",
            "http://rebind.test/                      | private (RFC 1918)",
            "http://v6-private.test/                  | unique local",
            "http://nowhere.test/                     | does not resolve",
    })
    void refusesForbiddenAddressesHoweverTheyAreSpelled(String url, String reasonPart) {
        assertThat(refusal(strict, url)).as(url).hasValueSatisfying(reason -> assertThat(reason).contains(reasonPart));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "https://hooks.example.com/webhooks",
            "http://93.184.216.34/",
            "https://[2606:4700:4700::1111]/hook",
            "https://8.8.8.8:8443/x",
    })
    void allowsPublicAddresses(String url) {
        assertThat(refusal(strict, url)).as(url).isEmpty();
    }

    @Test
    void operatorsCanAllowSpecificNetworks() {
        EgressGuard local = new EgressGuard(new ForbiddenAddresses(List.of(Cidr.parse("127.0.0.0/8"),
                Cidr.parse("::1"))), EgressGuardTest::resolve);

        assertThat(refusal(local, "http://127.0.0.1:8080/hook")).isEmpty();
        assertThat(refusal(local, "http://[::1]/hook")).isEmpty();
        assertThat(refusal(local, "http://localhost/hook")).isEmpty();
        assertThat(refusal(local, "http://10.0.0.1/")).isPresent();
        assertThat(refusal(local, "http://2130706433/")).as("odd spellings stay refused").isPresent();
    }

    @Test
    void refusesOtherSchemesAndCredentialsBeforeResolving() {
        assertThat(strict.reasonToRefuse(URI.create("ftp://hooks.example.com/"))).contains(
                "scheme 'ftp' is not http or https");
        assertThat(strict.reasonToRefuse(URI.create("https://u:p@hooks.example.com/"))).contains(
                "URL carries credentials");
    }

    @Test
    void rejectsMalformedAllowlistEntries() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Cidr.parse("intranet/8")).hasMessageContaining("is not a CIDR");
        assertThatThrownBy(() -> Cidr.parse("010.0.0.0/8")).hasMessageContaining("is not a CIDR");
    }

    private static Optional<String> refusal(EgressGuard guard, String url) {
        URI uri = URI.create(url);
        Optional<String> early = guard.reasonToRefuse(uri);
        if (early.isPresent()) {
            return early;
        }
        try {
            guard.resolveChecked(uri.getHost());
            return Optional.empty();
        } catch (EgressRefusedException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> answers = DNS.get(host);
        if (answers != null) {
            InetAddress[] addresses = new InetAddress[answers.size()];
            for (int i = 0; i < answers.size(); i++) {
                addresses[i] = InetAddress.getByName(answers.get(i)); // literals: no lookup
            }
            return addresses;
        }
        if (ForbiddenAddresses.isIpLiteral(host.replace("[", "").replace("]", ""))) {
            return InetAddress.getAllByName(host);
        }
        throw new UnknownHostException(host);
    }
}
