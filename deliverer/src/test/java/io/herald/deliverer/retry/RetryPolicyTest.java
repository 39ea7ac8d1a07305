package io.herald.deliverer.retry;

import io.herald.deliverer.HttpOutcome;
import io.herald.runtime.config.RetryDelays;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final RetrySchedule STANDARD = new RetrySchedule(RetryDelays.STANDARD, 0);
    private final RetryPolicy policy = new RetryPolicy(Duration.ofHours(1), new Random(7));

    @ParameterizedTest(name = "status {0}, refused {1}, attempt {2} -> {3}")
    @CsvSource(nullValues = "none", value = {
            "200,  false, 1, done",
            "204,  false, 3, done",
            "503,  false, 1, retry in 60",
            "500,  false, 2, retry in 300",
            "429,  false, 3, retry in 900",
            "404,  false, 4, retry in 2400",
            "302,  false, 1, retry in 60",
            "none, false, 1, retry in 60",
            "503,  false, 5, give up: gave up after 5 attempts",
            "410,  false, 1, give up: endpoint answered 410 Gone; not retried",
            "none, true,  1, give up: destination refused; not retried",
    })
    void mapsEveryOutcomeToWhatHappensNext(Integer status, boolean refused, int attempt, String expected) {
        HttpOutcome outcome = refused ? HttpOutcome.refused(NOW, 1, "destination is not allowed")
                : status == null ? HttpOutcome.noAnswer(NOW, 1, "connection failed: Connection refused")
                : HttpOutcome.answered(NOW, 1, status, null, Optional.empty());
        RetryDecision decision = policy.decide(outcome, attempt, STANDARD, NOW);

        assertThat(describe(decision)).isEqualTo(expected);
    }

    @Test
    void honoursRetryAfterWhenLongerThanTheScheduleButNeverBeyondTheCap() {
        RetryDecision later = policy.decide(answer(429, Duration.ofMinutes(10)), 1, STANDARD, NOW);
        RetryDecision sooner = policy.decide(answer(429, Duration.ofSeconds(5)), 1, STANDARD, NOW);
        RetryDecision capped = policy.decide(answer(503, Duration.ofDays(3)), 1, STANDARD, NOW);

        assertThat(describe(later)).isEqualTo("retry in 600");
        assertThat(describe(sooner)).as("never earlier than the schedule").isEqualTo("retry in 60");
        assertThat(describe(capped)).isEqualTo("retry in 3600");
    }

    @Test
    void jitterSpreadsDelaysWithinTheConfiguredFraction() {
        RetrySchedule jittered = new RetrySchedule(List.of(Duration.ofMinutes(10)), 0.2);
        Random random = new Random(1);
        java.util.LongSummaryStatistics seconds = new java.util.LongSummaryStatistics();
        java.util.Set<Long> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            long delay = jittered.delayAfter(1, random).orElseThrow().toSeconds();
            seconds.accept(delay);
            distinct.add(delay);
        }
        assertThat(seconds.getMin()).as("never below 80%").isGreaterThanOrEqualTo(480L);
        assertThat(seconds.getMax()).as("never above 120%").isLessThanOrEqualTo(720L);
        // spread over the whole band, around the scheduled delay: zero jitter (or a one-sided one) fails here
        assertThat(seconds.getMin()).isLessThan(500L);
        assertThat(seconds.getMax()).isGreaterThan(700L);
        assertThat(seconds.getAverage()).isBetween(585.0, 615.0);
        assertThat(distinct).hasSizeGreaterThan(100);
        assertThat(new RetrySchedule(List.of(Duration.ofMinutes(10)), 0).delayAfter(1, random))
                .as("no jitter configured: the delay as scheduled").hasValue(Duration.ofMinutes(10));
    }

    @Test
    void parsesPresetsAndDelayLists() {
        assertThat(RetryDelays.parse("standard")).isEqualTo(RetryDelays.STANDARD);
        assertThat(RetryDelays.parse("extended")).hasSize(7);
        assertThat(RetryDelays.parse("500ms, 30s,2m,1h")).containsExactly(Duration.ofMillis(500),
                Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofHours(1));
        assertThatThrownBy(() -> RetryDelays.parse("5 minutes"))
                .hasMessage("'5 minutes' is not a duration such as 500ms, 30s, 5m, 2h or 5d");
        assertThat(new RetrySchedule(RetryDelays.STANDARD, 0.2).maxAttempts()).isEqualTo(5);
    }

    private static HttpOutcome answer(int status, Duration retryAfter) {
        return HttpOutcome.answered(NOW, 1, status, null, Optional.of(retryAfter));
    }

    @Test
    void aTimeoutIsRetriedAndAnAnswerOverLimitsFailsWhateverItsStatus() {
        RetryDecision timedOut = policy.decide(HttpOutcome.timedOut(NOW, 20_000, Duration.ofSeconds(20)), 1,
                STANDARD, NOW);
        RetryDecision overLimits = policy.decide(HttpOutcome.answerOverLimits(NOW, 1, 200, null,
                "response has 101 headers, more than 100"), 1, STANDARD, NOW);

        assertThat(describe(timedOut)).isEqualTo("retry in 60");
        assertThat(describe(overLimits)).as("a 2xx over the limits is no delivery").isEqualTo("retry in 60");
    }

    @Test
    void anOutcomeCannotHoldAnImpossibleState() {
        assertThatThrownBy(() -> new HttpOutcome(HttpOutcome.Kind.ANSWERED, NOW, 1, null, null, null,
                Optional.empty())).hasMessage("ANSWERED with status null");
        assertThatThrownBy(() -> new HttpOutcome(HttpOutcome.Kind.REFUSED, NOW, 1, 403, null, "no",
                Optional.empty())).hasMessage("REFUSED with status 403");
        assertThatThrownBy(() -> new HttpOutcome(HttpOutcome.Kind.TIMED_OUT, NOW, 1, null, null, null,
                Optional.empty())).hasMessage("TIMED_OUT with error null");
    }

    private static String describe(RetryDecision decision) {
        if (decision instanceof RetryDecision.RetryAt retry) {
            return "retry in " + Duration.between(NOW, retry.dueAt()).toSeconds();
        }
        if (decision instanceof RetryDecision.GiveUp giveUp) {
            return "give up: " + giveUp.reason();
        }
        return "done";
    }
}
