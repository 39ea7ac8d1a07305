package io.herald.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryValuesTest {

    @Test
    void pageSizeIsTheDefaultWhenAbsentAndTheValueWhenInRange() {
        assertThat(QueryValues.pageSize(null, 20)).isEqualTo(20);
        assertThat(QueryValues.pageSize("1", 20)).isEqualTo(1);
        assertThat(QueryValues.pageSize("100", 20)).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "abc", "1.5", "", "99999999999"})
    void aBadPageSizeIsOne400NamingLimit(String limit) {
        assertThatThrownBy(() -> QueryValues.pageSize(limit, 20)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().getCode()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("invalid_request");
            assertThat(e.fields()).containsExactly(new FieldProblem("limit", "must be an integer from 1 to 100"));
        });
    }

    @Test
    void aFlagIsTrueOrFalseAndNothingElse() {
        assertThat(QueryValues.flag("active", "true")).isTrue();
        assertThat(QueryValues.flag("active", "false")).isFalse();
        assertThat(QueryValues.flag("active", null)).isNull();
        for (String bad : new String[] {"maybe", "yes", "1", "TRUE", ""}) {
            assertThatThrownBy(() -> QueryValues.flag("active", bad)).isInstanceOfSatisfying(ApiException.class,
                    e -> assertThat(e.fields()).containsExactly(new FieldProblem("active", "must be true or false")));
        }
    }
}
