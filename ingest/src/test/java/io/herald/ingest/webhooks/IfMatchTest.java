package io.herald.ingest.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.ingest.http.ApiException;
import org.junit.jupiter.api.Test;

class IfMatchTest {

    @Test
    void matchesTheVersionsItListsStronglyOrAnyForAStar() {
        assertThat(IfMatch.parse(null)).isNull();
        assertThat(IfMatch.parse("\"7\"").matches(7)).isTrue();
        assertThat(IfMatch.parse("\"7\"").matches(8)).isFalse();
        assertThat(IfMatch.parse(" \"3\" , \"9\" ").matches(9)).isTrue();
        assertThat(IfMatch.parse("W/\"7\"").matches(7)).as("weak tags never match").isFalse();
        assertThat(IfMatch.parse("*").matches(42)).isTrue();
        assertThat(IfMatch.etag(12)).isEqualTo("\"12\"");
    }

    @Test
    void aHeaderThatIsNoListOfEntityTagsIsRefusedByName() {
        for (String bad : new String[] {"7", "\"\"", "\"07\"", "\"x\"", "\"-1\"", "\"1\",", "abc"}) {
            assertThatThrownBy(() -> IfMatch.parse(bad)).as(bad).isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).fields().get(0).field()).isEqualTo("If-Match"));
        }
    }
}
