package io.herald.deliverer;

import io.herald.runtime.config.CommonSettings;
import io.herald.runtime.config.ConfigBuilder;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.herald.deliverer.egress.EgressGuard;
import io.herald.schemas.delivery.Delivery;
import io.herald.runtime.egress.Cidr;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.runtime.security.SecretCipher;
import io.herald.signatures.WebhookSecrets;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS is always verified; an operator's trust store makes an internal CA acceptable. Real HTTPS on loopback. */
class WebhookSenderTlsTest {

    private static final String PASSWORD = "changeit";
    private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"));

    @TempDir
    static Path certificates;
    private static HttpsServer server;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path keyStore = certificates.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", certificates.resolve("server.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "internal-ca", "-file",
                certificates.resolve("server.crt").toString(), "-keystore",
                certificates.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keyStore.toFile())) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopHttpsServer() {
        server.stop(0);
    }

    @Test
    void refusesACertificateNoTrustedCaSigned() {
        HttpOutcome outcome = send(base().build());

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.refused()).isFalse();
        assertThat(outcome.status()).isNull();
        assertThat(outcome.error()).containsAnyOf("PKIX", "certificate", "SSL", "handshake");
    }

    @Test
    void acceptsItOnceTheOperatorTrustsItsCa() {
        HttpOutcome outcome = send(base().set(DelivererConfig.TRUST_STORE, certificates.resolve("trust.p12"))
                .set(DelivererConfig.TRUST_STORE_PASSWORD, PASSWORD).build());

        assertThat(outcome.status()).as(String.valueOf(outcome.error())).isEqualTo(204);
    }

    private static ConfigBuilder<DelivererConfig> base() {
        return DelivererConfig.builder("unused:9092", "http://unused", "k:" + SecretCipher.generateKey())
                .set(DelivererConfig.DEFAULT_TIMEOUT, Duration.ofSeconds(5))
                .set(DelivererConfig.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .set(CommonSettings.EGRESS_ALLOWED_NETWORKS, LOOPBACK);
    }

    private static HttpOutcome send(DelivererConfig config) {
        try (WebhookSender sender = new WebhookSender(config,
                new EgressGuard(new ForbiddenAddresses(config.allowedNetworks())), Clock.systemUTC())) {
            WebhookTarget target = new WebhookTarget("wh_1", "acme",
                    "https://127.0.0.1:" + server.getAddress().getPort() + "/hook", true, null,
                    List.of(WebhookSecrets.generate()), List.of(), Optional.empty(), true, Optional.empty(), Map.of(),
                    Optional.empty(), List.of(), Optional.empty(), 1, Optional.empty());
            Delivery delivery = Delivery.newBuilder().setId("msg_1").setTenant("acme").setWebhookId("wh_1")
                    .setEventId("evt_1").setEventType("user.created").setEventTimestamp(Instant.EPOCH)
                    .setRoutedAt(Instant.EPOCH).setBody("{}").build();
            return sender.send(target, delivery).join();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(java).resolveSibling("keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
