package io.herald.deliverer;

import io.herald.runtime.config.CommonSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;

import io.herald.deliverer.egress.EgressGuard;
import io.herald.schemas.delivery.Delivery;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender with the strict egress policy (no allowlist), against a real HTTP server on loopback. */
class WebhookSenderTest {

    private final WebhookReceiver receiver = WebhookReceiver.start();
    private WebhookSender strictSender;

    @BeforeEach
    void start() {
        DelivererConfig config = DelivererConfig.builder("unused:9092", "http://unused", "k:" + SecretCipher.generateKey())
                .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofSeconds(5))
                .set(DelivererConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2)).build();
        strictSender = new WebhookSender(config, new EgressGuard(ForbiddenAddresses.strict()), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        strictSender.close();
        receiver.close();
    }

    @Test
    void runsOnNativeEpollWhereNettyShipsIt() {
        assumeTrue(Epoll.isAvailable(), "no native epoll here: " + Epoll.unavailabilityCause());

        assertThat(((IoEventLoopGroup) strictSender.eventLoops()).isIoType(EpollIoHandler.class)).isTrue();
    }

    @Test
    void refusesALiteralLoopbackUrlWithoutConnecting() {
        HttpOutcome outcome = strictSender.send(target(receiver.url("/x")), delivery()).join();

        assertThat(outcome.refused()).isTrue();
        assertThat(outcome.error()).isEqualTo("127.0.0.1 is a loopback address");
        assertThat(receiver.totalRequests()).isZero();
    }

    @Test
    void refusesANameThatResolvesToLoopbackAtConnectTime() {
        // "localhost" passes the literal pre-check; the guarded Netty resolver must stop it.
        HttpOutcome outcome = strictSender.send(target("http://localhost:" + receiver.port() + "/x"), delivery())
                .join();

        assertThat(outcome.refused()).as(outcome.toString()).isTrue();
        assertThat(outcome.error()).startsWith("host 'localhost' resolves to ").contains("loopback");
        assertThat(receiver.totalRequests()).isZero();
    }

    @Test
    void refusesOddNumericSpellings() {
        HttpOutcome outcome = strictSender.send(target("http://2130706433:" + receiver.port() + "/x"), delivery())
                .join();

        assertThat(outcome.refused()).isTrue();
        assertThat(outcome.error()).contains("non-standard numeric IP spelling");
    }

    @Test
    void tellsATimeoutFromOtherFailures() throws Exception {
        DelivererConfig loopback = DelivererConfig.builder("unused:9092", "http://unused", "k:" + SecretCipher.generateKey())
                .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofMillis(300))
                .set(DelivererConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(io.herald.runtime.egress.Cidr.parse("127.0.0.0/8"))).build();
        receiver.respond("/slow", 204, Duration.ofSeconds(2));
        receiver.respond("/error", 500, Duration.ZERO);
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (WebhookSender sender = new WebhookSender(loopback,
                new EgressGuard(new ForbiddenAddresses(loopback.allowedNetworks())), Clock.systemUTC())) {
            HttpOutcome slow = sender.send(target(receiver.url("/slow")), delivery()).join();
            HttpOutcome error = sender.send(target(receiver.url("/error")), delivery()).join();
            HttpOutcome closed = sender.send(target("http://127.0.0.1:" + closedPort + "/x"), delivery()).join();

            assertThat(slow.timedOut()).as(slow.toString()).isTrue();
            assertThat(error.timedOut()).isFalse();
            assertThat(closed.timedOut()).as(closed.toString()).isFalse();
        }
    }

    @Test
    void failsResponsesThatBreakTheHeaderLimits() {
        DelivererConfig loopback = DelivererConfig.builder("unused:9092", "http://unused", "k:" + SecretCipher.generateKey())
                .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofSeconds(5))
                .set(DelivererConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, List.of(io.herald.runtime.egress.Cidr.parse("127.0.0.0/8"))).build();
        try (WebhookSender sender = new WebhookSender(loopback,
                new EgressGuard(new ForbiddenAddresses(loopback.allowedNetworks())), Clock.systemUTC());
             MisbehavingServer many = new MisbehavingServer(MisbehavingServer.Behaviour.MANY_HEADERS);
             MisbehavingServer huge = new MisbehavingServer(MisbehavingServer.Behaviour.HUGE_HEADER)) {
            HttpOutcome tooMany = sender.send(target(many.url()), delivery()).join();
            HttpOutcome tooBig = sender.send(target(huge.url()), delivery()).join();

            assertThat(tooMany.succeeded()).isFalse();
            assertThat(tooMany.status()).isEqualTo(200);
            assertThat(tooMany.error()).isEqualTo("response has 151 headers, more than 100");
            assertThat(tooBig.succeeded()).isFalse();
            assertThat(tooBig.status()).isNull();
            assertThat(tooBig.error()).isNotBlank();
        }
    }

    private static WebhookTarget target(String url) {
        return new WebhookTarget("wh_1", "acme", url, true, null, List.of(WebhookSecrets.generate()), List.of(), Optional.empty(), true, Optional.empty(),
                Map.of(), Optional.empty(), List.of(), Optional.empty(), 1, Optional.empty());
    }

    private static Delivery delivery() {
        return Delivery.newBuilder().setId("msg_1").setTenant("acme").setWebhookId("wh_1").setEventId("evt_1")
                .setEventType("user.created").setEventTimestamp(Instant.EPOCH).setRoutedAt(Instant.EPOCH)
                .setBody("{}").build();
    }
}
