package io.herald.schemas.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventFilterTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
            "auth.login.success, auth.login.success, true",
            "auth.login.success, auth.login.failure, false",
            "auth.*,             auth.login.success, true",
            "auth.*,             auth.logout,        true",
            "user.*,             user.role.changed,  true",
            "user.*,             username.changed,   false",
            "user.*,             auth.login.success, false",
            "auth.login.*,       auth.login.failure, true",
            "*,                  security.high_risk, true",
            "auth,               auth.logout,        false",
            "auth.login,         auth.login.success, false",
    })
    void matchesExactTypesFamilyWildcardsAndEverything(String filter, String type, boolean matches) {
        assertThat(EventFilter.matches(filter, type)).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource({"user.created, true", "security.brute_force, true", "auth.logout, false"})
    void anyFilterOfAListMatches(String type, boolean matches) {
        assertThat(EventFilter.matches(List.of("user.*", "security.brute_force"), type)).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource({"user.created, true", "user.*, true", "*, true", "user.craeted, false", "bogus.*, false",
            "user, false", "'', false"})
    void filtersAreValidOnlyIfTheyCanMatchACatalogType(String filter, boolean valid) {
        assertThat(EventFilter.isValid(filter)).isEqualTo(valid);
    }
}
