package io.herald.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the client treats the registry's answers: retries what may pass, fails at once on refusals, caches what it
 * learnt, names what to fix and never a credential. The registry here answers from a script; {@code
 * ConfluentRegistryIT} runs the client against a real registry.
 */
class SchemaRegistryClientTest {

    private static final Schema PROBE = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"t\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");

    private HttpServer server;
    private final Queue<Scripted> script = new ArrayDeque<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private record Scripted(int status, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " auth="
                + exchange.getRequestHeaders().getFirst("Authorization") + " body="
                + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Scripted next;
        synchronized (script) {
            next = script.isEmpty() ? new Scripted(500, "{}") : script.poll();
        }
        byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(next.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void then(int status, String body) {
        script.add(new Scripted(status, body));
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/";
    }

    private SchemaRegistryClient client(RegistryEndpoint endpoint, int attempts) {
        return new SchemaRegistryClient(endpoint, Duration.ofSeconds(2), attempts, Duration.ofMillis(10));
    }

    @Test
    void registersUnderTheSubjectOnceAndSendsTheCredentials() {
        then(200, "{\"id\":42}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()).withBasicAuth("herald", "s3cret"), 1);

        assertThat(client.register("iam.auth-value", PROBE)).isEqualTo(42);
        assertThat(client.register("iam.auth-value", PROBE)).as("cached").isEqualTo(42);
        assertThat(client.schemaById(42)).as("what it registered, without asking").isSameAs(PROBE);

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).startsWith("POST /apis/ccompat/v7/subjects/iam.auth-value/versions auth=Basic "
                + java.util.Base64.getEncoder().encodeToString("herald:s3cret".getBytes(StandardCharsets.UTF_8)))
                .contains("body={\"schema\":\"{\\\"type\\\":\\\"record\\\"");
    }

    @Test
    void retriesWhileTheRegistryIsUnavailableThenSucceeds() {
        then(503, "{\"error_code\":50301,\"message\":\"leader election\"}");
        then(429, "{}");
        then(200, "{\"schema\":" + quoted(PROBE.toString()) + "}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()), 4);

        assertThat(client.schemaById(7)).isEqualTo(PROBE);
        assertThat(seen).hasSize(3).allMatch(line -> line.startsWith("GET /apis/ccompat/v7/schemas/ids/7 auth=null"));
        assertThat(client.schemaById(7)).isEqualTo(PROBE);
        assertThat(seen).as("cached").hasSize(3);
    }

    @Test
    void givesUpAfterItsAttemptsWithAnErrorThatSaysTryLater() {
        for (int i = 0; i < 3; i++) {
            then(502, "{\"message\":\"bad gateway\"}");
        }
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()), 3);

        assertThatThrownBy(() -> client.schemaById(7)).isInstanceOf(RegistryUnavailableException.class)
                .hasMessage("fetching schema 7 failed: the schema registry at " + url().replaceAll("/$", "")
                        + " answered HTTP 502: bad gateway, 3 times");
        assertThat(seen).hasSize(3);
    }

    @Test
    void aRegistryThatIsNotListeningIsUnavailable() {
        String url = url();
        server.stop(0);
        SchemaRegistryClient client = client(RegistryEndpoint.of(url), 2);

        assertThatThrownBy(client::check).isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("can't be reached (ConnectException");
        assertThat(SchemaRegistryException.retryLater(new RuntimeException(
                catchRegistry(() -> client.schemaById(1))))).isTrue();
    }

    @Test
    void refusedCredentialsFailAtOnceNamingTheUserButNotThePassword() {
        then(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()).withBasicAuth("herald", "s3cret"), 4);

        assertThatThrownBy(() -> client.schemaById(3)).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessage("the schema registry at " + url().replaceAll("/$", "")
                        + " refused basic auth as herald (HTTP 401: Unauthorized)")
                .hasMessageNotContaining("s3cret");
        assertThat(seen).hasSize(1);
        then(403, "{}");
        assertThat(SchemaRegistryException.retryLater(catchRegistry(() -> client.schemaById(3))))
                .as("credentials are fixed by an operator: the record waits").isTrue();
        then(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        assertThat(SchemaRegistryException.retryLater(catchRegistry(() -> client.schemaById(4))))
                .as("an id the registry never gave is the record's fault").isFalse();
    }

    @Test
    void aProducerNotAllowedToRegisterFindsTheSchemaAlreadyThere() {
        then(403, "{\"message\":\"User cannot access the resource.\"}");
        then(200, "{\"subject\":\"iam.auth-value\",\"version\":3,\"id\":9,\"schema\":\"...\"}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()).withBearerToken("tok"), 1);

        assertThat(client.register("iam.auth-value", PROBE)).isEqualTo(9);
        assertThat(seen.get(1)).startsWith("POST /apis/ccompat/v7/subjects/iam.auth-value auth=Bearer tok");
    }

    @Test
    void aConflictWithAnotherProcessRegisteringTheSameSchemaFindsItRegistered() {
        then(409, "{\"error_code\":409,\"message\":\"An artifact with ID 'iam.auth-value' already exists.\"}");
        then(200, "{\"subject\":\"iam.auth-value\",\"version\":1,\"id\":12}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()), 1);

        assertThat(client.register("iam.auth-value", PROBE)).isEqualTo(12);
        assertThat(seen).extracting(line -> line.substring(0, line.indexOf(" auth="))).containsExactly(
                "POST /apis/ccompat/v7/subjects/iam.auth-value/versions", "POST /apis/ccompat/v7/subjects/iam.auth-value");
    }

    @Test
    void threadsRegisteringTheSameSchemaAskTheRegistryOnce() throws Exception {
        then(200, "{\"id\":5}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()), 1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ids.add(threads.submit(() -> client.register("iam.auth-value", PROBE)));
            }
            for (var id : ids) {
                assertThat(id.get()).isEqualTo(5);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(seen).hasSize(1);
    }

    @Test
    void anIncompatibleSchemaIsRefusedWithTheRegistrysReason() {
        then(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier "
                + "schema\"}");
        then(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        then(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier "
                + "schema\"}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()), 4);

        assertThatThrownBy(() -> client.register("iam.auth-value", PROBE))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessage("the registry refused the schema of iam.auth-value as incompatible with its earlier "
                        + "versions (HTTP 409: Schema being registered is incompatible with an earlier schema)");
    }

    @Test
    void readsAndSetsTheGlobalCompatibilityLevel() {
        then(200, "{\"compatibilityLevel\":\"FULL\"}");
        then(200, "{\"compatibility\":\"BACKWARD\"}");
        then(404, "{\"error_code\":40401}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()), 1);

        assertThat(client.compatibility()).contains("FULL");
        client.setCompatibility("BACKWARD");
        assertThat(client.compatibility()).isEmpty();
        assertThat(seen.get(1)).isEqualTo("PUT /apis/ccompat/v7/config auth=null body={\"compatibility\":\"BACKWARD\"}");
    }

    @Test
    void aUrlThatIsNoConfluentApiFailsTheCheckSayingSo() {
        then(404, "{\"error_code\":404,\"message\":\"RESTEASY003210: Could not find resource\"}");
        then(200, "{\"compatibilityLevel\":\"NONE\"}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()), 1);

        assertThatThrownBy(client::check).isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessage("no Confluent Schema Registry API at " + url().replaceAll("/$", "")
                        + " (GET /config answered HTTP 404); for Apicurio the URL ends in /apis/ccompat/v7");
        client.check(); // a fresh registry without rules answers NONE: up
    }

    @Test
    void aSchemaThatIsNotAvroIsRefusedByName() {
        then(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        SchemaRegistryClient client = client(RegistryEndpoint.of(url()), 1);

        assertThatThrownBy(() -> client.schemaById(5)).hasMessage("schema 5 is PROTOBUF, not Avro");
    }

    private static SchemaRegistryException catchRegistry(Runnable call) {
        try {
            call.run();
        } catch (SchemaRegistryException e) {
            return e;
        }
        throw new AssertionError("no registry error");
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
