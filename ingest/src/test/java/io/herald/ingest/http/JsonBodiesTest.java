package io.herald.ingest.http;

import io.herald.ingest.deliveries.DeliveryResponses;
import io.herald.ingest.webhooks.WebhookInput;
import io.herald.ingest.webhooks.WebhookResponses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonBodiesTest {

    private static final ObjectMapper JSON = ObjectMapper.getDefault();
    private final JsonBodies bodies = new JsonBodies(JSON);

    private static JsonNode json(String text) throws IOException {
        return JSON.readValue(text, JsonNode.class);
    }

    private List<FieldProblem> problems(String body) throws IOException {
        try {
            bodies.read(json(body), WebhookInput.class);
            return List.of();
        } catch (ApiException e) {
            assertThat(e.status().getCode()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("malformed_request");
            return e.fields();
        }
    }

    @Test
    void everyFieldOfEveryManagementBodyHasAJsonRule() {
        List<Class<?>> seen = new ArrayList<>();
        for (Class<?> body : List.of(WebhookInput.class, WebhookResponses.TestRequest.class,
                DeliveryResponses.RecoverRequest.class, DeliveryResponses.ReplayRequest.class)) {
            collectScalarTypes(body, seen);
        }
        // The types JsonBodies.scalarProblem knows; a body field of any other type would be a 500 at run time.
        assertThat(seen).isSubsetOf(String.class, Boolean.class, Integer.class, Long.class, Instant.class);
    }

    private static void collectScalarTypes(Type type, List<Class<?>> seen) {
        if (type instanceof ParameterizedType generic) {
            for (Type argument : generic.getActualTypeArguments()) {
                collectScalarTypes(argument, seen);
            }
        } else if (type instanceof Class<?> raw && raw.isRecord()) {
            for (RecordComponent component : raw.getRecordComponents()) {
                collectScalarTypes(component.getGenericType(), seen);
            }
        } else if (type instanceof Class<?> raw) {
            seen.add(raw);
        }
    }

    @Test
    void bindsAWellTypedBodyAndIgnoresFieldsItDoesNotKnow() throws IOException {
        WebhookInput input = bodies.read(json("{\"name\":\"crm\",\"url\":\"https://x.test/\",\"eventTypes\":[\"*\"],"
                + "\"active\":false,\"timeoutMs\":5000,\"headers\":{\"X-A\":\"b\"},\"auth\":{\"type\":\"bearer\","
                + "\"token\":\"t\"},\"id\":\"wh_from_a_get\",\"createdAt\":\"2026-01-01T00:00:00Z\"}"),
                WebhookInput.class);

        assertThat(input.name()).isEqualTo("crm");
        assertThat(input.active()).isFalse();
        assertThat(input.timeoutMs()).isEqualTo(5000);
        assertThat(input.headers()).containsEntry("X-A", "b");
        assertThat(input.auth().token()).isEqualTo("t");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"timeoutMs\":1.5}|timeoutMs|must be an integer from -2147483648 to 2147483647, written without a decimal point or exponent",
        "{\"timeoutMs\":true}|timeoutMs|must be an integer from -2147483648 to 2147483647",
        "{\"timeoutMs\":\"5\"}|timeoutMs|must be an integer from -2147483648 to 2147483647",
        "{\"timeoutMs\":4294967296}|timeoutMs|must be an integer from -2147483648 to 2147483647",
        "{\"name\":123}|name|must be a string",
        "{\"active\":\"yes\"}|active|must be true or false",
        "{\"active\":1}|active|must be true or false",
        "{\"eventTypes\":\"*\"}|eventTypes|must be an array",
        "{\"eventTypes\":[\"*\",7]}|eventTypes[1]|must be a string",
        "{\"eventTypes\":[null]}|eventTypes[0]|must not be null",
        "{\"headers\":{\"X-A\":5}}|headers.X-A|must be a string",
        "{\"headers\":[]}|headers|must be an object",
        "{\"auth\":\"bearer\"}|auth|must be an object",
        "{\"auth\":{\"type\":1}}|auth.type|must be a string",
        "{\"signing\":{\"ed25519\":\"true\"}}|signing.ed25519|must be true or false",
        "{\"name\":\"a\\ud800\"}|name|must be valid Unicode: it has a lone surrogate (\\ud800) at index 1"})
    void refusesEveryValueOfTheWrongJsonTypeNamingTheField(String body, String field, String problem)
            throws IOException {
        assertThat(problems(body)).containsExactly(new FieldProblem(field, problem));
    }

    @Test
    void namesEveryBadFieldAtOnce() throws IOException {
        assertThat(problems("{\"name\":1,\"active\":\"no\",\"timeoutMs\":2.5}")).extracting(FieldProblem::field)
                .containsExactly("name", "active", "timeoutMs");
    }

    @Test
    void nullAndAbsentAreTheSameAndNoBodyIsNull() throws IOException {
        assertThat(bodies.read(json("{\"name\":null}"), WebhookInput.class).name()).isNull();
        assertThat(bodies.read(null, WebhookInput.class)).isNull();
        assertThatThrownBy(() -> bodies.readRequired(null, WebhookInput.class)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).fields()).extracting(FieldProblem::field)
                        .containsExactly("body"));
        assertThatThrownBy(() -> bodies.read(json("[1]"), WebhookInput.class))
                .satisfies(e -> assertThat(((ApiException) e).fields())
                        .containsExactly(new FieldProblem("body", "must be a JSON object")));
    }

    @Test
    void timesMustBeIsoStrings() throws IOException {
        assertThat(bodies.read(json("{\"since\":\"2026-11-24T10:15:30Z\"}"), DeliveryResponses.ReplayRequest.class)
                .since()).isEqualTo(Instant.parse("2026-11-24T10:15:30Z"));
        assertThatThrownBy(() -> bodies.read(json("{\"since\":1732443330000}"), DeliveryResponses.ReplayRequest.class))
                .satisfies(e -> assertThat(((ApiException) e).fields()).extracting(FieldProblem::field)
                        .containsExactly("since"));
    }
}
