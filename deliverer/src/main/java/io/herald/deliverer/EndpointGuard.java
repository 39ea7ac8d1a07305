package io.herald.deliverer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one endpoint from holding up the others, per deliverer: at most {@code maxInFlight} requests to a webhook
 * at once, and a circuit breaker that opens after {@code failureThreshold} consecutive failures, for {@code openFor};
 * then one trial request decides whether it closes again. Each failed trial doubles the next open period, up to
 * {@link #MAX_OPEN_FACTOR} times {@code openFor}: the deliveries a dead endpoint holds back come round less and less
 * often instead of every {@code openFor} for as long as it stays down.
 *
 * <p>Deliveries beyond the in-flight limit wait here for a free slot, as many as the webhook will take within about
 * {@link #DRAIN_TARGET} at its recent pace (at least {@code maxInFlight}, at most {@code maxWaiting}): a burst to a
 * fast endpoint flows at its pace instead of a detour through the retry topics. A webhook whose requests stopped
 * completing ({@link #STALLED_AFTER} without an answer, all slots taken) gets no waiting room: its waiting
 * deliveries and new ones go to the retry path unsent, so a stuck endpoint holds no more than its in-flight
 * requests of the deliverer's budget.
 */
final class EndpointGuard {

    /** How long a delivery waits when its webhook has its fill of requests in flight and waiting. */
    static final Duration SATURATED_BACKOFF = Duration.ofSeconds(2);
    /**
     * A waiting delivery should get its turn within about this long: the shortest retry tier, so that waiting here is
     * never slower than the detour through the retry topics it saves.
     */
    static final Duration DRAIN_TARGET = Duration.ofSeconds(5);
    /** All slots taken and no answer for this long: the endpoint is stuck, nothing more waits for it. */
    static final Duration STALLED_AFTER = Duration.ofSeconds(2);
    /** The longest an open circuit lasts, as a multiple of the configured open period (5 min by default). */
    static final int MAX_OPEN_FACTOR = 10;
    /** Weight of the newest attempt in a webhook's moving average of latency. */
    private static final double LATENCY_WEIGHT = 0.2;

    /** Whether a delivery may be attempted now, or when to look at it again. */
    record Admission(boolean admitted, Instant retryAt, String reason, Deferral kind) {
        static final Admission ADMITTED = new Admission(true, null, null, null);

        static Admission deferred(Deferral kind, Instant retryAt, String reason) {
            return new Admission(false, retryAt, reason, kind);
        }
    }

    /** Why a delivery goes back to the retry path unsent, as {@code herald_deferrals_total} labels it. */
    enum Deferral {
        SATURATED("saturated"), STALLED("stalled"), CIRCUIT_OPEN("circuit_open"), RATE_LIMITED("rate_limited");

        final String label;

        Deferral(String label) {
            this.label = label;
        }

        /** Whether the webhook is failing (rather than busy): such deferrals are bounded by the retry schedule. */
        boolean failing() {
            return this == STALLED || this == CIRCUIT_OPEN;
        }
    }

    private static final class State {
        int inFlight;
        int consecutiveFailures;
        /** Trials that failed since the endpoint last answered 2xx: each doubles the open period. */
        int failedTrials;
        Instant openUntil;
        boolean trialInFlight;
        /** When a request last completed other than by timing out, or the first of a quiet webhook's started. */
        long lastProgressMillis;
        /** Moving average of the webhook's attempt latency; negative until one completed. */
        double latencyMillis = -1;
        final Deque<CompletableFuture<Admission>> waiting = new ArrayDeque<>();
    }

    private final int maxInFlight;
    private final int maxWaiting;
    private final int failureThreshold;
    private final Duration openFor;
    private final Duration stalledBackoff;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    /**
     * @param maxInFlight requests to one webhook at once
     * @param maxWaiting the most deliveries that may wait for one fast webhook (never fewer than {@code maxInFlight})
     * @param attemptTimeout the default attempt timeout: how long a delivery to a stuck endpoint, or one that arrives
     *     during a circuit's trial, waits; by then the requests it would wait for have answered or failed (and opened
     *     the circuit). Coming back sooner only to be deferred again would cost a round trip through the retry
     *     topics each time.
     */
    EndpointGuard(int maxInFlight, int maxWaiting, int failureThreshold, Duration openFor, Duration attemptTimeout,
            Clock clock) {
        this.maxInFlight = maxInFlight;
        this.maxWaiting = Math.max(maxInFlight, maxWaiting);
        this.failureThreshold = failureThreshold;
        this.openFor = openFor;
        this.stalledBackoff = attemptTimeout;
        this.clock = clock;
    }

    /** Completes when the delivery may go (at once, or when a slot frees up), or with a deferral. */
    CompletableFuture<Admission> admit(String webhookId) {
        State state = states.computeIfAbsent(webhookId, id -> new State());
        List<CompletableFuture<Admission>> released = new ArrayList<>();
        Admission deferral;
        synchronized (state) {
            Instant now = clock.instant();
            if (state.openUntil != null) {
                if (now.isBefore(state.openUntil)) {
                    return CompletableFuture.completedFuture(openCircuit(state));
                }
                if (state.trialInFlight) {
                    // By then the trial has answered or timed out: the circuit is closed, or open for longer.
                    return CompletableFuture.completedFuture(Admission.deferred(Deferral.CIRCUIT_OPEN,
                            now.plus(stalledBackoff), "circuit half-open, trial under way"));
                }
                state.trialInFlight = true;
                state.inFlight++;
                return CompletableFuture.completedFuture(Admission.ADMITTED);
            }
            if (state.inFlight < maxInFlight) {
                if (state.inFlight == 0) {
                    state.lastProgressMillis = now.toEpochMilli();
                }
                state.inFlight++;
                return CompletableFuture.completedFuture(Admission.ADMITTED);
            }
            if (now.toEpochMilli() - state.lastProgressMillis >= STALLED_AFTER.toMillis()) {
                deferral = Admission.deferred(Deferral.STALLED, now.plus(stalledBackoff), maxInFlight
                        + " requests in flight and none answered for " + STALLED_AFTER.toSeconds() + " s");
                released.addAll(state.waiting); // they would wait for the stuck requests' timeouts
                state.waiting.clear();
            } else if (state.waiting.size() < waitingRoom(state)) {
                CompletableFuture<Admission> turn = new CompletableFuture<>();
                state.waiting.addLast(turn);
                return turn;
            } else {
                deferral = Admission.deferred(Deferral.SATURATED, now.plus(SATURATED_BACKOFF),
                        maxInFlight + " requests in flight and " + state.waiting.size() + " waiting");
            }
        }
        released.forEach(turn -> turn.complete(deferral)); // outside the lock: completing starts their deferral
        return CompletableFuture.completedFuture(deferral);
    }

    /** As many deliveries as the webhook answers within the drain target at its recent latency. */
    private int waitingRoom(State state) {
        if (state.latencyMillis < 0) {
            return maxInFlight; // no pace known yet
        }
        double drained = maxInFlight * DRAIN_TARGET.toMillis() / Math.max(1.0, state.latencyMillis);
        return (int) Math.max(maxInFlight, Math.min(maxWaiting, drained));
    }

    /**
     * Takes the attempt's outcome into the webhook's health. A timeout is no sign of progress, so a black hole
     * whose requests time out one by one is still taken for stuck; a refused destination says nothing about the
     * endpoint.
     */
    void completed(String webhookId, HttpOutcome outcome) {
        boolean succeeded = outcome.succeeded();
        boolean countsAsFailure = outcome.reflectsOnEndpoint();
        boolean timedOut = outcome.timedOut();
        Duration latency = Duration.ofMillis(outcome.latencyMs());
        State state = states.get(webhookId);
        if (state == null) {
            return;
        }
        List<Runnable> afterUnlock = new ArrayList<>();
        synchronized (state) {
            if (!timedOut) {
                state.lastProgressMillis = clock.millis();
            }
            long millis = latency.toMillis();
            state.latencyMillis = state.latencyMillis < 0 ? millis
                    : state.latencyMillis + LATENCY_WEIGHT * (millis - state.latencyMillis);
            boolean wasTrial = state.trialInFlight;
            state.trialInFlight = false;
            if (succeeded) {
                state.consecutiveFailures = 0;
                state.failedTrials = 0;
                state.openUntil = null;
            } else if (countsAsFailure) {
                state.consecutiveFailures++;
                if (wasTrial) {
                    state.failedTrials++;
                }
                if (wasTrial || state.consecutiveFailures >= failureThreshold) {
                    state.openUntil = clock.instant().plus(openPeriod(state.failedTrials));
                }
            }
            if (state.openUntil != null && clock.instant().isBefore(state.openUntil)) {
                Admission deferral = openCircuit(state);
                state.waiting.forEach(turn -> afterUnlock.add(() -> turn.complete(deferral)));
                state.waiting.clear();
                state.inFlight = Math.max(0, state.inFlight - 1);
            } else if (!state.waiting.isEmpty()) {
                CompletableFuture<Admission> next = state.waiting.pollFirst(); // the slot passes on
                afterUnlock.add(() -> next.complete(Admission.ADMITTED));
            } else {
                state.inFlight = Math.max(0, state.inFlight - 1);
            }
        }
        afterUnlock.forEach(Runnable::run); // outside the lock: completing starts the next request
    }

    /** {@code openFor}, doubled for each failed trial, at most {@link #MAX_OPEN_FACTOR} times {@code openFor}. */
    private Duration openPeriod(int failedTrials) {
        long factor = failedTrials >= 30 ? MAX_OPEN_FACTOR : Math.min(MAX_OPEN_FACTOR, 1L << failedTrials);
        return openFor.multipliedBy(factor);
    }

    /** How many webhooks' circuits are open now. */
    int openCircuits() {
        Instant now = clock.instant();
        return (int) states.values().stream().filter(state -> {
            synchronized (state) {
                return state.openUntil != null && now.isBefore(state.openUntil);
            }
        }).count();
    }

    /** Whether the webhook's circuit is open now (for logs and tests). */
    boolean isOpen(String webhookId) {
        State state = states.get(webhookId);
        return state != null && state.openUntil != null && clock.instant().isBefore(state.openUntil);
    }

    private static Admission openCircuit(State state) {
        return Admission.deferred(Deferral.CIRCUIT_OPEN, state.openUntil,
                "circuit open after " + state.consecutiveFailures + " consecutive failures");
    }
}
