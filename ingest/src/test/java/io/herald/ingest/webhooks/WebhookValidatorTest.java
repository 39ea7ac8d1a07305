package io.herald.ingest.webhooks;

import io.herald.ingest.http.FieldProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.runtime.egress.ForbiddenAddresses;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookValidatorTest {

    private final WebhookValidator validator = new WebhookValidator(false, ForbiddenAddresses.strict());

    private static WebhookDraft draft(String url, List<String> eventTypes) {
        return new WebhookDraft("crm", null, url, eventTypes, true, null, null, Map.of(), Map.of(), null, null,
                List.of(), false, true);
    }

    @Test
    void aValidDraftHasNoProblems() {
        assertThat(validator.problems(draft("https://hooks.acme.test/in", List.of("user.*", "auth.login.success"))))
                .isEmpty();
    }

    @Test
    void namesEveryBadFieldWithTheClosestEventTypes() {
        List<FieldProblem> problems = validator.problems(draft("http://hooks.acme.test/in", List.of("user.craeted")));

        assertThat(problems).containsExactly(new FieldProblem("url", "must use https"),
                new FieldProblem("eventTypes[0]", "'user.craeted' is not an event type, a family wildcard (such as "
                        + "user.*) or *; closest: user.created, user.deleted, user.updated"));
    }

    @Test
    void aHugeListOfUnknownTypesIsOneProblemNotAThousandSuggestions() {
        List<String> junk = Collections.nCopies(1000, "q".repeat(900));

        assertThat(validator.problems(draft("https://hooks.acme.test/in", junk))).containsExactly(
                new FieldProblem("eventTypes", "must list at most 100 filters, not 1000"));
    }

    @Test
    void onlyTheFirstFewUnknownTypesGetSuggestionsAndLongOnesNone() {
        List<String> typos = Collections.nCopies(8, "user.craeted");
        List<FieldProblem> problems = validator.problems(draft("https://hooks.acme.test/in", typos));

        assertThat(problems).hasSize(8);
        assertThat(problems.subList(0, 5)).allSatisfy(p -> assertThat(p.problem()).contains("closest:"));
        assertThat(problems.subList(5, 8)).allSatisfy(p -> assertThat(p.problem()).doesNotContain("closest:"));
        assertThat(WebhookValidator.unknownFilterMessage("x".repeat(5000)))
                .doesNotContain("closest:").hasSizeLessThan(200);
    }
}
