package io.herald.deliverer;

import io.herald.runtime.config.CommonSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.deliverer.egress.EgressGuard;
import io.herald.deliverer.egress.EgressProxy;
import io.herald.deliverer.egress.NoProxy;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookSecrets;
import io.herald.testkit.WebhookReceiver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Webhook traffic through an egress proxy, with no_proxy exceptions and the guard still in charge. */
class WebhookSenderProxyTest {

    private final WebhookReceiver receiver = WebhookReceiver.start();
    private final RecordingConnectProxy proxy = new RecordingConnectProxy();

    @AfterEach
    void stop() {
        proxy.close();
        receiver.close();
    }

    @Test
    void sendsThroughTheProxyUnlessTheHostIsExempted() {
        HttpOutcome proxied = send(List.of(Cidr.parse("127.0.0.0/8")), "", receiver.url("/via-proxy"));
        HttpOutcome direct = send(List.of(Cidr.parse("127.0.0.0/8")), "example.com, 127.0.0.0/8",
                receiver.url("/direct"));

        assertThat(proxied.status()).as(String.valueOf(proxied.error())).isEqualTo(204);
        assertThat(direct.status()).as(String.valueOf(direct.error())).isEqualTo(204);
        assertThat(proxy.targets()).containsExactly("127.0.0.1:" + receiver.port());
        assertThat(receiver.requests("/via-proxy")).hasSize(1);
        assertThat(receiver.requests("/direct")).hasSize(1);
    }

    @Test
    void stillRefusesForbiddenTargetsBeforeAskingTheProxy() {
        HttpOutcome literal = send(List.of(), "", "http://10.1.2.3/hook");
        HttpOutcome name = send(List.of(), "", "http://localhost:" + receiver.port() + "/hook");

        assertThat(literal.refused()).isTrue();
        assertThat(literal.error()).isEqualTo("10.1.2.3 is a private (RFC 1918) address");
        assertThat(name.refused()).as(name.toString()).isTrue();
        assertThat(name.error()).startsWith("host 'localhost' resolves to ");
        assertThat(proxy.targets()).isEmpty();
        assertThat(receiver.totalRequests()).isZero();
    }

    @Test
    void noProxyMatchesNamesSuffixesAddressesAndEverything() {
        NoProxy noProxy = NoProxy.parse(" .corp.example, hooks.acme.test ,10.0.0.0/8, ::1 ");
        assertThat(noProxy.bypasses("a.b.corp.example")).isTrue();
        assertThat(noProxy.bypasses("corp.example")).isTrue();
        assertThat(noProxy.bypasses("evilcorp.example")).isFalse();
        assertThat(noProxy.bypasses("HOOKS.acme.test")).isTrue();
        assertThat(noProxy.bypasses("10.9.8.7")).isTrue();
        assertThat(noProxy.bypasses("[::1]")).isTrue();
        assertThat(noProxy.bypasses("11.0.0.1")).isFalse();
        assertThat(NoProxy.parse("*").bypasses("anything.test")).isTrue();
        assertThatThrownBy(() -> EgressProxy.of("socks5://127.0.0.1:1080", NoProxy.none()))
                .hasMessageContaining("egress proxy must be http://host:port");
    }

    /** @param noProxy the no-proxy list as configured */
    private HttpOutcome send(List<Cidr> allowed, String noProxy, String url) {
        DelivererConfig config = DelivererConfig.builder("unused:9092", "http://unused",
                        "k:" + SecretCipher.generateKey())
                .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofSeconds(5))
                .set(DelivererConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, allowed)
                .set(DelivererConfig.EGRESS_PROXY, proxy.url())
                .set(DelivererConfig.NO_PROXY, noProxy)
                .build();
        try (WebhookSender sender = new WebhookSender(config,
                new EgressGuard(new ForbiddenAddresses(config.allowedNetworks())), Clock.systemUTC())) {
            WebhookTarget target = new WebhookTarget("wh_1", "acme", url, true, null, List.of(WebhookSecrets.generate()), List.of(),
                    Optional.empty(), true, Optional.empty(), Map.of(), Optional.empty(), List.of(), Optional.empty(), 1, Optional.empty());
            Delivery delivery = Delivery.newBuilder().setId("msg_1").setTenant("acme").setWebhookId("wh_1")
                    .setEventId("evt_1").setEventType("user.created").setEventTimestamp(Instant.EPOCH)
                    .setRoutedAt(Instant.EPOCH).setBody("{}").build();
            return sender.send(target, delivery).join();
        }
    }
}
