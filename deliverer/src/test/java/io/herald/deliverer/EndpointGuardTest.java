package io.herald.deliverer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class EndpointGuardTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
    private final EndpointGuard guard = new EndpointGuard(2, 20, 3, Duration.ofSeconds(30), ATTEMPT_TIMEOUT, clock);
    private static final Duration FAST = Duration.ofMillis(10);

    @Test
    void admitsUpToTheLimitAndQueuesItsShareWhileItsPaceIsUnknownThenDefersTheRest() {
        assertThat(now(guard.admit("wh_a")).admitted()).isTrue();
        assertThat(now(guard.admit("wh_a")).admitted()).isTrue();
        List<CompletableFuture<EndpointGuard.Admission>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // a deliverer just started on a backlog: nothing answered yet
            waiting.add(guard.admit("wh_a"));
        }
        EndpointGuard.Admission next = now(guard.admit("wh_a"));

        assertThat(waiting).allSatisfy(turn -> assertThat(turn).isNotDone());
        assertThat(guard.backlogged()).as("its share, no more").isFalse();
        assertThat(next.admitted()).isFalse();
        assertThat(next.reason()).isEqualTo("2 requests in flight and 20 waiting");
        assertThat(next.kind()).isEqualTo(EndpointGuard.Deferral.SATURATED);
        assertThat(next.retryAt()).isEqualTo(clock.instant().plus(EndpointGuard.SATURATED_BACKOFF));
        assertThat(now(guard.admit("wh_b")).admitted()).as("other webhooks are unaffected").isTrue();

        guard.completed("wh_a", answered(200, FAST));
        assertThat(waiting.get(0)).isCompletedWithValue(EndpointGuard.Admission.ADMITTED);
        assertThat(waiting.get(1)).isNotDone();
    }

    @Test
    void anOpeningCircuitSendsTheWaitingToTheRetryPath() {
        guard.admit("wh_a");
        guard.admit("wh_a");
        guard.completed("wh_a", answered(503, FAST));
        guard.completed("wh_a", answered(503, FAST)); // two failures, nothing in flight
        guard.admit("wh_a");
        guard.admit("wh_a");
        CompletableFuture<EndpointGuard.Admission> waiting = guard.admit("wh_a");
        assertThat(waiting).isNotDone();

        guard.completed("wh_a", answered(503, FAST)); // the third failure opens the circuit

        assertThat(waiting.join().admitted()).isFalse();
        assertThat(waiting.join().reason()).isEqualTo("circuit open after 3 consecutive failures");
    }

    @Test
    void opensAfterConsecutiveFailuresThenLetsOneTrialDecide() {
        for (int i = 0; i < 3; i++) {
            guard.admit("wh_a");
            guard.completed("wh_a", answered(503, FAST));
        }
        EndpointGuard.Admission open = now(guard.admit("wh_a"));
        assertThat(open.admitted()).isFalse();
        assertThat(open.reason()).isEqualTo("circuit open after 3 consecutive failures");
        assertThat(open.kind()).isEqualTo(EndpointGuard.Deferral.CIRCUIT_OPEN);
        assertThat(open.retryAt()).isEqualTo(clock.instant().plusSeconds(30));

        clock.advance(Duration.ofSeconds(31));
        assertThat(now(guard.admit("wh_a")).admitted()).as("the trial").isTrue();
        EndpointGuard.Admission duringTrial = now(guard.admit("wh_a"));
        assertThat(duringTrial.reason()).isEqualTo("circuit half-open, trial under way");
        assertThat(duringTrial.retryAt()).as("back once the trial has answered or timed out")
                .isEqualTo(clock.instant().plus(ATTEMPT_TIMEOUT));
        guard.completed("wh_a", answered(503, FAST));
        assertThat(guard.isOpen("wh_a")).as("a failed trial opens it again").isTrue();

        clock.advance(Duration.ofSeconds(61));
        assertThat(now(guard.admit("wh_a")).admitted()).isTrue();
        guard.completed("wh_a", answered(200, FAST));
        assertThat(guard.isOpen("wh_a")).isFalse();
        assertThat(now(guard.admit("wh_a")).admitted()).isTrue();
    }

    @Test
    void eachFailedTrialDoublesTheOpenPeriodUpToTenTimesItAndASuccessStartsOver() {
        for (int i = 0; i < 3; i++) {
            guard.admit("wh_a");
            guard.completed("wh_a", answered(503, FAST));
        }
        List<Long> openSeconds = new ArrayList<>();
        for (int trial = 0; trial < 6; trial++) {
            Instant openUntil = now(guard.admit("wh_a")).retryAt();
            openSeconds.add(Duration.between(clock.instant(), openUntil).toSeconds());
            clock.advance(Duration.between(clock.instant(), openUntil));
            assertThat(now(guard.admit("wh_a")).admitted()).as("trial %d", trial + 1).isTrue();
            guard.completed("wh_a", answered(503, FAST));
        }
        assertThat(openSeconds).containsExactly(30L, 60L, 120L, 240L, 300L, 300L);

        clock.advance(Duration.ofMinutes(5));
        assertThat(now(guard.admit("wh_a")).admitted()).isTrue();
        guard.completed("wh_a", answered(200, FAST));
        for (int i = 0; i < 3; i++) {
            guard.admit("wh_a");
            guard.completed("wh_a", answered(503, FAST));
        }
        assertThat(now(guard.admit("wh_a")).retryAt()).as("open for the first period again")
                .isEqualTo(clock.instant().plusSeconds(30));
    }

    @Test
    void refusalsDoNotCountAgainstTheEndpointsHealth() {
        for (int i = 0; i < 5; i++) {
            guard.admit("wh_a");
            guard.completed("wh_a", refused(FAST));
        }
        assertThat(guard.isOpen("wh_a")).isFalse();
    }

    @Test
    void aBacklogForAWebhookThatAnswersWaitsBeyondItsShareAndPausesPollingUntilItDrains() {
        guard.admit("wh_a");
        guard.admit("wh_a");
        guard.completed("wh_a", answered(200, FAST));
        guard.admit("wh_a");
        List<CompletableFuture<EndpointGuard.Admission>> waiting = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            waiting.add(guard.admit("wh_a"));
        }
        assertThat(waiting).allSatisfy(turn -> assertThat(turn).as("waits, no detour").isNotDone());
        assertThat(guard.backlogged()).as("980 beyond its share of 20: polling pauses").isTrue();

        for (int i = 0; i < 980; i++) {
            guard.completed("wh_a", answered(200, FAST));
        }
        assertThat(guard.backlogged()).as("back within its share").isFalse();
        assertThat(waiting.subList(0, 980)).allSatisfy(turn -> assertThat(turn).isCompletedWithValue(
                EndpointGuard.Admission.ADMITTED));
    }

    @Test
    void deliveriesThatWaitPastTheDrainTargetTakeTheRetryPathAndTheirWebhookNoLongerPausesPolling() {
        guard.admit("wh_a");
        guard.admit("wh_a");
        guard.completed("wh_a", answered(200, Duration.ofSeconds(1)));
        guard.admit("wh_a");
        List<CompletableFuture<EndpointGuard.Admission>> early = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            early.add(guard.admit("wh_a"));
        }
        clock.advance(Duration.ofSeconds(1));
        guard.completed("wh_a", answered(200, Duration.ofSeconds(1))); // progress: not stuck, only slow
        clock.advance(EndpointGuard.DRAIN_TARGET.minusSeconds(1));
        guard.completed("wh_a", answered(200, Duration.ofSeconds(4)));
        clock.advance(Duration.ofSeconds(1));
        CompletableFuture<EndpointGuard.Admission> recent = guard.admit("wh_a");

        assertThat(guard.backlogged()).as("the late ones are gone, polling resumes").isFalse();
        assertThat(early.subList(0, 2)).as("their turn came").allSatisfy(turn -> assertThat(turn)
                .isCompletedWithValue(EndpointGuard.Admission.ADMITTED));
        assertThat(early.subList(2, 30)).allSatisfy(turn -> {
            assertThat(turn.join().kind()).isEqualTo(EndpointGuard.Deferral.SATURATED);
            assertThat(turn.join().reason()).isEqualTo(
                    "waited 5 s for one of its 2 requests in flight: it answers slower than its deliveries come");
        });
        assertThat(recent).as("waited less").isNotDone();
        for (int i = 1; i < 20; i++) {
            assertThat(guard.admit("wh_a")).as("within its share, #%d", i + 1).isNotDone();
        }
        assertThat(now(guard.admit("wh_a")).reason()).as("past its share: at once to the retry path")
                .isEqualTo("2 requests in flight and 20 waiting, more than it answers within 5 s");
    }

    @Test
    void stoppingGivesUpTheDeliveriesNotYetSentAndAdmitsNoMore() {
        guard.admit("wh_a");
        guard.admit("wh_a");
        CompletableFuture<EndpointGuard.Admission> waiting = guard.admit("wh_a");

        guard.abandonWaiting();

        assertThat(waiting).isCompletedExceptionally();
        assertThat(guard.admit("wh_b")).as("even with slots free").isCompletedExceptionally();
        assertThat(guard.backlogged()).isFalse();
    }

    @Test
    void aStuckWebhookIsNoticedWhilePollingIsPaused() {
        guard.admit("wh_a");
        guard.admit("wh_a");
        guard.completed("wh_a", answered(200, FAST));
        guard.admit("wh_a");
        List<CompletableFuture<EndpointGuard.Admission>> waiting = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            waiting.add(guard.admit("wh_a"));
        }
        assertThat(guard.backlogged()).isTrue();

        clock.advance(EndpointGuard.STALLED_AFTER); // no admission comes: polling is paused

        assertThat(guard.backlogged()).isFalse();
        assertThat(waiting).allSatisfy(turn -> assertThat(turn.join().kind())
                .isEqualTo(EndpointGuard.Deferral.STALLED));
    }

    @Test
    void aStuckWebhooksDeliveriesBeyondItsShareGoToTheRetryPathAndPollingResumes() {
        guard.admit("wh_a");
        guard.admit("wh_a");
        guard.completed("wh_a", answered(200, FAST));
        guard.admit("wh_a");
        for (int i = 0; i < 100; i++) {
            guard.admit("wh_a");
        }
        assertThat(guard.backlogged()).isTrue();
        clock.advance(EndpointGuard.STALLED_AFTER);

        assertThat(now(guard.admit("wh_a")).kind()).isEqualTo(EndpointGuard.Deferral.STALLED);
        assertThat(guard.backlogged()).isFalse();
    }

    @Test
    void aStuckWebhookSendsItsWaitingDeliveriesToTheRetryPathAndTakesNoMore() {
        guard.admit("wh_a");
        guard.admit("wh_a");
        CompletableFuture<EndpointGuard.Admission> waiting = guard.admit("wh_a");
        clock.advance(EndpointGuard.STALLED_AFTER);

        EndpointGuard.Admission next = now(guard.admit("wh_a"));

        assertThat(next.admitted()).isFalse();
        assertThat(next.reason()).isEqualTo("2 requests in flight and none answered for 2 s");
        assertThat(next.kind()).isEqualTo(EndpointGuard.Deferral.STALLED);
        assertThat(next.retryAt()).as("after the stuck requests' timeout").isEqualTo(
                clock.instant().plus(ATTEMPT_TIMEOUT));
        assertThat(waiting).as("released from its wait for the stuck requests").isCompletedWithValue(next);
        assertThat(now(guard.admit("wh_b")).admitted()).as("other webhooks are unaffected").isTrue();
        guard.completed("wh_a", answered(200, Duration.ofSeconds(2))); // an answer at last: it may queue again
        guard.admit("wh_a");
        assertThat(guard.admit("wh_a")).isNotDone();
    }

    @Test
    void requestsTimingOutAreNoSignOfLife() {
        guard.admit("wh_a");
        guard.admit("wh_a");
        clock.advance(Duration.ofSeconds(20));
        guard.completed("wh_a", timedOut(Duration.ofSeconds(20))); // the first times out; its slot passes on
        guard.admit("wh_a");
        clock.advance(EndpointGuard.STALLED_AFTER.dividedBy(2)); // soon after the timeout, long after any answer

        EndpointGuard.Admission next = now(guard.admit("wh_a"));

        assertThat(next.kind()).as("still stuck: nothing answered").isEqualTo(EndpointGuard.Deferral.STALLED);
    }

    @Test
    void aWebhookQuietForLongIsNotTakenForStuckWhenABurstStarts() {
        guard.admit("wh_a");
        guard.completed("wh_a", answered(200, FAST));
        clock.advance(Duration.ofMinutes(10));

        guard.admit("wh_a");
        guard.admit("wh_a");

        assertThat(guard.admit("wh_a")).isNotDone();
    }

    private static EndpointGuard.Admission now(CompletableFuture<EndpointGuard.Admission> admission) {
        assertThat(admission).as("decided at once").isDone();
        return admission.join();
    }

    private static HttpOutcome answered(int status, Duration latency) {
        return HttpOutcome.answered(Instant.EPOCH, latency.toMillis(), status, null, java.util.Optional.empty());
    }

    private static HttpOutcome refused(Duration latency) {
        return HttpOutcome.refused(Instant.EPOCH, latency.toMillis(), "destination is not allowed");
    }

    private static HttpOutcome timedOut(Duration latency) {
        return HttpOutcome.timedOut(Instant.EPOCH, latency.toMillis(), latency);
    }
}
