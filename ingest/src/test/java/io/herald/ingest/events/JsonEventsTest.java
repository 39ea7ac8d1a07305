package io.herald.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.ingest.http.FieldProblem;
import io.herald.schemas.data.SecurityAccountLockout;
import io.herald.schemas.data.SecurityBruteForce;
import io.herald.schemas.data.SecurityHighRisk;
import io.herald.schemas.data.SecurityImpossibleTravel;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** JSON events are checked before they become Avro: nothing is coerced, wrapped, clamped or turned into text. */
class JsonEventsTest {

    private static final ObjectMapper JSON = ObjectMapper.getDefault();
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static JsonEvents.Parsed parse(String json) throws IOException {
        return JsonEvents.parse(JSON.readValue(json, JsonNode.class), "acme", "", NOW);
    }

    private static String bruteForce(String failedAttempts) {
        return "{\"type\":\"security.brute_force\",\"data\":{\"ipAddress\":\"203.0.113.9\",\"failedAttempts\":"
                + failedAttempts + ",\"windowSeconds\":60,\"blocked\":true}}";
    }

    private static String impossibleTravel(String elapsedSeconds) {
        return "{\"type\":\"security.impossible_travel\",\"data\":{\"userId\":\"usr_1\",\"previousIpAddress\":\"a\","
                + "\"currentIpAddress\":\"b\",\"distanceKm\":9000.5,\"elapsedSeconds\":" + elapsedSeconds + "}}";
    }

    private static String highRisk(String riskScore) {
        return "{\"type\":\"security.high_risk\",\"data\":{\"userId\":\"usr_1\",\"riskScore\":" + riskScore
                + ",\"riskFactors\":[],\"action\":\"blocked\"}}";
    }

    private static FieldProblem onlyProblem(JsonEvents.Parsed parsed) {
        assertThat(parsed.event()).isNull();
        assertThat(parsed.problems()).hasSize(1);
        return parsed.problems().get(0);
    }

    @Test
    void keepsExactValuesAtTheEdgesOfEachType() throws IOException {
        SecurityBruteForce atMax = (SecurityBruteForce) parse(bruteForce("2147483647")).event().getData();
        assertThat(atMax.getFailedAttempts()).isEqualTo(Integer.MAX_VALUE);
        SecurityImpossibleTravel longMax = (SecurityImpossibleTravel) parse(impossibleTravel("9223372036854775807"))
                .event().getData();
        assertThat(longMax.getElapsedSeconds()).isEqualTo(Long.MAX_VALUE);
        SecurityHighRisk risk = (SecurityHighRisk) parse(highRisk("0.25")).event().getData();
        assertThat(risk.getRiskScore()).isEqualTo(0.25);
        assertThat(((SecurityHighRisk) parse(highRisk("1")).event().getData()).getRiskScore()).isEqualTo(1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294967296", "-2147483649", "18446744073709551616", "1.5", "5.0", "1e3", "\"5\"",
            "true", "[5]", "{}"})
    void refusesAnIntFieldThatIsNotAnIntegerOfItsRange(String value) throws IOException {
        FieldProblem problem = onlyProblem(parse(bruteForce(value)));

        assertThat(problem.field()).isEqualTo("data.failedAttempts");
        assertThat(problem.problem()).startsWith("must be an integer from -2147483648 to 2147483647");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "18446744073709551616", "-9223372036854775809", "1e30",
            "12345678901234567.0", "\"12\""})
    void refusesALongFieldOutsideItsRangeInsteadOfWrappingOrClampingIt(String value) throws IOException {
        FieldProblem problem = onlyProblem(parse(impossibleTravel(value)));

        assertThat(problem.field()).isEqualTo("data.elapsedSeconds");
        assertThat(problem.problem()).startsWith("must be an integer from -9223372036854775808 to 9223372036854775807");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e400", "-1e400"})
    void refusesANumberADoubleCannotHold(String value) throws IOException {
        FieldProblem problem = onlyProblem(parse(highRisk(value)));

        assertThat(problem).isEqualTo(new FieldProblem("data.riskScore",
                "must be a finite number within the range of a double"));
    }

    @Test
    void refusesNullForARequiredFieldOfAnyType() throws IOException {
        assertThat(onlyProblem(parse(bruteForce("null"))))
                .isEqualTo(new FieldProblem("data.failedAttempts", "must not be null: an integer is required"));
        assertThat(onlyProblem(parse(highRisk("null"))).field()).isEqualTo("data.riskScore");
        assertThat(onlyProblem(parse("{\"type\":\"security.brute_force\",\"data\":{\"ipAddress\":\"1\","
                + "\"failedAttempts\":1,\"windowSeconds\":60,\"blocked\":null}}")))
                .isEqualTo(new FieldProblem("data.blocked", "must not be null: true or false is required"));
    }

    @Test
    void refusesJsonTypesThatWouldNeedCoercion() throws IOException {
        assertThat(onlyProblem(parse("{\"type\":\"security.brute_force\",\"data\":{\"ipAddress\":5,"
                + "\"failedAttempts\":1,\"windowSeconds\":60,\"blocked\":true}}")))
                .isEqualTo(new FieldProblem("data.ipAddress", "must be a string"));
        assertThat(onlyProblem(parse("{\"type\":\"security.brute_force\",\"data\":{\"ipAddress\":\"1\","
                + "\"failedAttempts\":1,\"windowSeconds\":60,\"blocked\":\"yes\"}}")))
                .isEqualTo(new FieldProblem("data.blocked", "must be true or false"));
        assertThat(onlyProblem(parse(highRisk("\"0.5\""))))
                .isEqualTo(new FieldProblem("data.riskScore", "must be a number"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"+1000000000-12-31T23:59:59Z\"",
        "\"10000-01-01T00:00:00Z\"",
        "\"1969-12-31T23:59:59Z\"",
        "-1",
        "253402300800000",
        "9223372036854775807",
        "1.5e12",
        "\"yesterday\""})
    void refusesEventTimesOutsideTheYears1970To9999(String timestamp) throws IOException {
        FieldProblem problem = onlyProblem(parse("{\"type\":\"auth.logout\",\"timestamp\":" + timestamp
                + ",\"data\":{\"userId\":\"usr_1\",\"reason\":\"user\"}}"));

        assertThat(problem.field()).isEqualTo("timestamp");
        assertThat(problem.problem()).contains("from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z");
    }

    @Test
    void acceptsTheFirstAndLastMillisecondsOfTheRange() throws IOException {
        assertThat(parse("{\"type\":\"auth.logout\",\"timestamp\":0,\"data\":{\"userId\":\"u\",\"reason\":\"r\"}}")
                .event().getTimestamp()).isEqualTo(Instant.EPOCH);
        assertThat(parse("{\"type\":\"auth.logout\",\"timestamp\":\"9999-12-31T23:59:59.999Z\",\"data\":{"
                + "\"userId\":\"u\",\"reason\":\"r\"}}").event().getTimestamp()).isEqualTo(JsonEvents.LATEST);
    }

    @Test
    void checksTimestampsInsideTheDataToo() throws IOException {
        String lockout = "{\"type\":\"security.account_lockout\",\"data\":{\"userId\":\"usr_1\",\"reason\":\"r\","
                + "\"failedAttempts\":5,\"lockedUntil\":%s}}";

        assertThat(onlyProblem(parse(lockout.formatted("\"+1000000000-12-31T23:59:59Z\""))).field())
                .isEqualTo("data.lockedUntil");
        SecurityAccountLockout ok = (SecurityAccountLockout) parse(lockout.formatted("\"2026-12-02T10:00:00Z\""))
                .event().getData();
        assertThat(ok.getLockedUntil()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
    }

    @Test
    void refusesTextThatIsNotValidUnicode() throws IOException {
        FieldProblem data = onlyProblem(parse("{\"type\":\"security.brute_force\",\"data\":{\"ipAddress\":"
                + "\"a\\ud800b\",\"failedAttempts\":1,\"windowSeconds\":60,\"blocked\":true}}"));
        assertThat(data.field()).isEqualTo("data.ipAddress");
        assertThat(data.problem()).isEqualTo("must be valid Unicode: it has a lone surrogate (\\ud800) at index 1");

        FieldProblem source = onlyProblem(parse("{\"type\":\"auth.logout\",\"source\":\"\\udc00\",\"data\":{"
                + "\"userId\":\"u\",\"reason\":\"r\"}}"));
        assertThat(source.field()).isEqualTo("source");

        SecurityBruteForce paired = (SecurityBruteForce) parse("{\"type\":\"security.brute_force\",\"data\":{"
                + "\"ipAddress\":\"\\ud83d\\ude00\",\"failedAttempts\":1,\"windowSeconds\":60,\"blocked\":true}}")
                .event().getData();
        assertThat(paired.getIpAddress()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void refusesAnEventWhoseWebhookBodyWouldExceedTheLimit() throws IOException {
        String big = "x".repeat(300 * 1024);
        FieldProblem problem = onlyProblem(parse("{\"type\":\"auth.logout\",\"data\":{\"userId\":\"" + big
                + "\",\"reason\":\"r\"}}"));

        assertThat(problem.field()).isEqualTo("event");
        assertThat(problem.problem()).startsWith("is too large: its webhook body would be ")
                .endsWith("an event may be at most 262144 bytes (256 KiB) as JSON");
    }
}
