package io.herald.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeysTest {

    private static final String ACME_KEY = "hk_acme_portal";
    private static final String OPERATOR_KEY = "hk_operator";
    private final ApiKeys keys = ApiKeys.parse("acme:portal:" + ApiKeys.hash(ACME_KEY) + ", *:ops:"
            + ApiKeys.hash(OPERATOR_KEY).toUpperCase());

    @Test
    void hashIsTheSha256HexOfTheKeyAsSha256sumPrintsIt() {
        // printf %s "abc" | sha256sum
        assertThat(ApiKeys.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aTenantKeyActsForItsTenantOnly() {
        Caller caller = keys.authenticate(ACME_KEY).orElseThrow();

        assertThat(caller).isEqualTo(new Caller("acme", "portal"));
        assertThat(caller.mayAccess("acme")).isTrue();
        assertThat(caller.mayAccess("globex")).isFalse();
        assertThat(caller.actor()).isEqualTo("key:portal");
    }

    @Test
    void anOperatorKeyActsForEveryTenantWhateverTheCaseOfItsHash() {
        Caller operator = keys.authenticate(" " + OPERATOR_KEY + " ").orElseThrow();

        assertThat(operator.isOperator()).isTrue();
        assertThat(operator.mayAccess("globex")).isTrue();
        assertThat(operator.actor()).isEqualTo("operator:ops");
    }

    @Test
    void unknownEmptyAndMissingKeysAuthenticateNobody() {
        assertThat(keys.authenticate("hk_acme_portal2")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate("   ")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme:portal", "acme:portal:abc", "ACME:portal:HASH", "acme:por tal:HASH",
            "acme:portal:" + "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg", "acme:portal:HASH:x"})
    void refusesAMalformedEntryByPositionWithoutEchoingIt(String bad) {
        String entry = bad.replace("HASH", "0".repeat(64));
        assertThatThrownBy(() -> ApiKeys.parse("globex:ok:" + "1".repeat(64) + "," + entry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("API key entry #2 must be tenant:name:sha256hex (tenant * for operators)");
    }
}
