package io.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.herald.ingest.ApiClient.Reply;
import io.herald.testkit.HeraldInfrastructure;
import io.herald.testkit.HeraldInfrastructureExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JWTs of the IAM platform as tenant credentials, checked against a JWKS served over HTTP by a real server: only a
 * token signed by a published key, of the configured issuer and audience, unexpired and naming the tenant, gets in.
 */
@ExtendWith(HeraldInfrastructureExtension.class)
class TenantJwtIT {

    private static final String ISSUER = "https://iam.example.com";
    private static final String AUDIENCE = "herald";
    private static final String WEBHOOKS = "/t/acme/api/v1/webhooks";

    private static RSAKey signingKey;
    private static RSAKey unpublishedKey;
    private static HttpServer jwks;
    private static volatile boolean jwksUp = true;
    private static IngestServer server;
    private static ApiClient api;

    @BeforeAll
    static void start(HeraldInfrastructure infra) throws Exception {
        signingKey = new RSAKeyGenerator(2048).keyID("platform-1").generate();
        unpublishedKey = new RSAKeyGenerator(2048).keyID("platform-1").generate(); // same kid, other key
        byte[] published = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/.well-known/jwks.json", exchange -> {
            if (!jwksUp) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, published.length);
            exchange.getResponseBody().write(published);
            exchange.close();
        });
        jwks.start();
        server = TestIngest.start(infra, Map.of(
                "herald.ingest.jwt.jwks-url", "http://127.0.0.1:" + jwks.getAddress().getPort()
                        + "/.well-known/jwks.json",
                "herald.ingest.jwt.issuer", ISSUER,
                "herald.ingest.jwt.audience", AUDIENCE,
                "herald.ingest.jwt.tenant-claim", "org"));
        api = new ApiClient(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
        jwks.stop(0);
    }

    @Test
    void aValidTokenReadsAndAnAdminScopedOneWrites() throws Exception {
        assertThat(api.call("GET", WEBHOOKS, token(signingKey, claims -> { })).status()).isEqualTo(200);
        Map<String, Object> webhook = Map.of("name", "from the console", "url", "https://hooks.example.com/jwt",
                "eventTypes", List.of("user.*"));
        Reply readOnly = api.call("POST", WEBHOOKS, token(signingKey, claims -> { }), webhook);
        assertThat(readOnly.status()).isEqualTo(403);
        assertThat(readOnly.body().get("message").asText()).contains("jwt:usr_admin_1").contains("read-only");

        Reply created = api.call("POST", WEBHOOKS, token(signingKey, claims -> claims.claim("scope",
                "openid herald:admin")), webhook);
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String id = created.body().get("webhook").get("id").asText();
        assertThat(api.call("GET", "/t/acme/api/v1/audit?webhookId=" + id, token(signingKey, c -> { })).body()
                .get("items").get(0).get("actor").asText()).isEqualTo("key:jwt:usr_admin_1");
    }

    @Test
    void tokensOfAnotherIssuerAudienceTenantOrKeyAndExpiredOnesAreRefused() throws Exception {
        assertThat(api.call("GET", WEBHOOKS, token(signingKey, c -> c.issuer("https://evil.example.com"))).status())
                .as("issuer").isEqualTo(401);
        assertThat(api.call("GET", WEBHOOKS, token(signingKey, c -> c.audience("another-service"))).status())
                .as("audience").isEqualTo(401);
        assertThat(api.call("GET", WEBHOOKS, token(signingKey, c -> c.claim("org", "globex"))).status())
                .as("another tenant's token, as if acme didn't exist").isEqualTo(404);
        assertThat(api.call("GET", WEBHOOKS, token(signingKey, c -> c.claim("org", null))).status())
                .as("no tenant claim").isEqualTo(401);
        assertThat(api.call("GET", WEBHOOKS, token(signingKey, c -> c.claim("org", "Not A Tenant"))).status())
                .as("a tenant claim that is no tenant").isEqualTo(401);
        assertThat(api.call("GET", WEBHOOKS, token(unpublishedKey, c -> { })).status()).as("signature")
                .isEqualTo(401);
        assertThat(api.call("GET", WEBHOOKS, token(signingKey, c -> c.expirationTime(
                Date.from(Instant.now().minusSeconds(600))))).status()).as("expired").isEqualTo(401);
        String valid = token(signingKey, c -> { });
        String tampered = valid.substring(0, valid.lastIndexOf('.') - 4) + "AAAA" + valid.substring(
                valid.lastIndexOf('.'));
        assertThat(api.call("GET", WEBHOOKS, tampered).status()).as("claims changed after signing").isEqualTo(401);
        assertThat(api.call("GET", WEBHOOKS, TestIngest.ACME_KEY).status()).as("API keys still work")
                .isEqualTo(200);
    }

    @Test
    void whenTheJwksCannotBeFetchedATokenGets503NotARefusal(HeraldInfrastructure infra) throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (IngestServer cut = TestIngest.start(infra, Map.of(
                "herald.ingest.jwt.jwks-url", "http://127.0.0.1:" + closedPort + "/jwks.json",
                "herald.ingest.jwt.issuer", ISSUER, "herald.ingest.jwt.audience", AUDIENCE,
                "herald.ingest.jwt.tenant-claim", "org"))) {
            Reply reply = new ApiClient(cut.uri()).call("GET", WEBHOOKS, token(signingKey, c -> { }));
            assertThat(reply.status()).isEqualTo(503);
            assertThat(reply.body().get("error").asText()).isEqualTo("issuer_unavailable");
        }
    }

    private static String token(RSAKey key, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("usr_admin_1")
                .claim("org", "acme")
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
