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
 * <p>Deliveries beyond the in-flight limit wait here for a free slot: a burst or a backlog for an endpoint that keeps
 * up flows at its pace instead of a detour through the retry topics. Up to its share of the deliverer
 * ({@code maxWaiting}) a webhook's deliveries simply wait; past it, a webhook that has answered before still has
 * them wait, and {@link #backlogged()} asks the worker to stop polling until they drain: backpressure. A delivery
 * waits at most {@link #DRAIN_TARGET} (the shortest retry delay, so waiting is never slower than the detour): one
 * that waited longer goes to the retry path ({@code saturated}), and its webhook, too slow for its traffic, has its
 * deliveries past its share sent there at once for {@link #TOO_SLOW_FOR}, so that it cannot keep polling paused for
 * the others. A webhook whose requests stopped completing ({@link #STALLED_AFTER} without an
 * answer, all slots taken) gets no waiting room: its waiting deliveries and new ones go to the retry path unsent, so
 * a stuck endpoint holds no more than its in-flight requests of the deliverer's budget.
 */
final class EndpointGuard {

    /** How long a delivery waits when its webhook has its fill of requests in flight and waiting. */
    static final Duration SATURATED_BACKOFF = Duration.ofSeconds(2);
    /**
     * The longest a delivery waits here for its turn: the shortest retry tier, so that waiting here is never slower
     * than the detour through the retry topics it saves.
     */
    static final Duration DRAIN_TARGET = Duration.ofSeconds(5);
    /** How long a webhook whose deliveries waited past the drain target gets no waiting room past its share. */
    static final Duration TOO_SLOW_FOR = Duration.ofMinutes(1);
    /** How often {@link #backlogged()} looks for deliveries that waited too long and webhooks that got stuck. */
    private static final long SWEEP_EVERY_MILLIS = 100;
    /** All slots taken and no answer for this long: the endpoint is stuck, nothing more waits for it. */
    static final Duration STALLED_AFTER = Duration.ofSeconds(2);
    /** The longest an open circuit lasts, as a multiple of the configured open period (5 min by default). */
    static final int MAX_OPEN_FACTOR = 10;

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
        /** Whether a request of this webhook ever completed other than by timing out. */
        boolean answered;
        final Deque<Turn> waiting = new ArrayDeque<>();
        /** This webhook's part of {@link #overShare}: its waiting deliveries beyond {@code maxWaiting}. */
        int overShare;
        /** A delivery waited past the drain target: until then (epoch millis), no waiting past its share. */
        long tooSlowUntil;
    }

    /** A delivery waiting for a slot, since when (epoch millis). */
    private record Turn(CompletableFuture<Admission> admission, long sinceMillis) {
    }

    private final int maxInFlight;
    private final int maxWaiting;
    private final int failureThreshold;
    private final Duration openFor;
    private final Duration stalledBackoff;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    /** Deliveries waiting beyond their webhook's share, over all webhooks: while above 0, polling pauses. */
    private final java.util.concurrent.atomic.AtomicInteger overShare = new java.util.concurrent.atomic.AtomicInteger();
    /** The webhooks with deliveries waiting: what {@link #backlogged()}'s sweep looks at. */
    private final java.util.Set<State> queued = ConcurrentHashMap.newKeySet();
    private volatile long lastSweepMillis;
    private volatile boolean stopping;

    /**
     * Fails the admissions of deliveries not yet sent when the deliverer stops: they stay uncommitted, and the next
     * owner of their partition sends them.
     */
    static final class Stopping extends RuntimeException {
        Stopping() {
            super("the deliverer is stopping; not sent", null, false, false);
        }
    }

    /**
     * @param maxInFlight requests to one webhook at once
     * @param maxWaiting a webhook's share of the deliverer: the most deliveries that wait for it before polling pauses
     *     (never fewer than {@code maxInFlight})
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
        if (stopping) {
            return CompletableFuture.failedFuture(new Stopping());
        }
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
            if (stalled(state, now.toEpochMilli())) {
                deferral = stalledDeferral(now);
                released.addAll(takeWaiting(state, state.waiting.size()));
            } else if (state.waiting.size() < maxWaiting
                    || state.answered && now.toEpochMilli() >= state.tooSlowUntil) {
                // within its share, or past it (polling pauses) for a webhook that answers and keeps up
                CompletableFuture<Admission> turn = new CompletableFuture<>();
                state.waiting.addLast(new Turn(turn, now.toEpochMilli()));
                queued.add(state);
                countOverShare(state);
                return turn;
            } else {
                deferral = Admission.deferred(Deferral.SATURATED, now.plus(SATURATED_BACKOFF), maxInFlight
                        + " requests in flight and " + state.waiting.size() + " waiting"
                        + (now.toEpochMilli() < state.tooSlowUntil
                                ? ", more than it answers within " + DRAIN_TARGET.toSeconds() + " s" : ""));
            }
        }
        released.forEach(turn -> turn.complete(deferral)); // outside the lock: completing starts their deferral
        return CompletableFuture.completedFuture(deferral);
    }

    private static boolean stalled(State state, long nowMillis) {
        return nowMillis - state.lastProgressMillis >= STALLED_AFTER.toMillis();
    }

    private Admission stalledDeferral(Instant now) {
        return Admission.deferred(Deferral.STALLED, now.plus(stalledBackoff), maxInFlight
                + " requests in flight and none answered for " + STALLED_AFTER.toSeconds() + " s");
    }

    /** Removes the first {@code count} waiting deliveries of the webhook; called under its lock. */
    private List<CompletableFuture<Admission>> takeWaiting(State state, int count) {
        List<CompletableFuture<Admission>> taken = new ArrayList<>();
        for (int i = 0; i < count && !state.waiting.isEmpty(); i++) {
            taken.add(state.waiting.pollFirst().admission());
        }
        afterQueueChange(state);
        return taken;
    }

    /** Bookkeeping after the webhook's waiting queue shrank or was emptied; called under its lock. */
    private void afterQueueChange(State state) {
        countOverShare(state);
        if (state.waiting.isEmpty()) {
            queued.remove(state);
        }
    }

    /** Keeps {@link #overShare} up to date after the webhook's waiting queue changed; called under its lock. */
    private void countOverShare(State state) {
        int now = Math.max(0, state.waiting.size() - maxWaiting);
        if (now != state.overShare) {
            overShare.addAndGet(now - state.overShare);
            state.overShare = now;
        }
    }

    /**
     * Whether a webhook that keeps up has more deliveries waiting than its share of the deliverer: polling should
     * pause until they drain. Called by the polling loop on every round; every {@link #SWEEP_EVERY_MILLIS} it first
     * sends deliveries that waited past the drain target to the retry path (their webhook is too slow for its
     * traffic), and the waiting ones of webhooks that got stuck, which no admission may come to notice while polling
     * is paused.
     */
    boolean backlogged() {
        long now = clock.millis();
        if (now - lastSweepMillis >= SWEEP_EVERY_MILLIS) {
            lastSweepMillis = now;
            sweep(now);
        }
        return overShare.get() > 0;
    }

    /**
     * The deliverer is stopping: deliveries waiting for a slot are not sent (their admissions fail with
     * {@link Stopping}), nor are any admitted from now on; requests under way finish.
     */
    void abandonWaiting() {
        stopping = true;
        for (State state : queued) {
            List<CompletableFuture<Admission>> abandoned;
            synchronized (state) {
                abandoned = takeWaiting(state, state.waiting.size());
            }
            abandoned.forEach(turn -> turn.completeExceptionally(new Stopping()));
        }
    }

    private void sweep(long nowMillis) {
        for (State state : queued) {
            List<CompletableFuture<Admission>> released;
            Admission deferral;
            synchronized (state) {
                if (state.waiting.isEmpty()) {
                    queued.remove(state);
                    continue;
                }
                Instant now = Instant.ofEpochMilli(nowMillis);
                if (state.inFlight >= maxInFlight && stalled(state, nowMillis)) {
                    deferral = stalledDeferral(now);
                    released = takeWaiting(state, state.waiting.size());
                } else {
                    int late = 0;
                    for (Turn turn : state.waiting) {
                        if (nowMillis - turn.sinceMillis() < DRAIN_TARGET.toMillis()) {
                            break; // in order of arrival: the rest waited less
                        }
                        late++;
                    }
                    if (late == 0) {
                        continue;
                    }
                    deferral = Admission.deferred(Deferral.SATURATED, now.plus(SATURATED_BACKOFF), "waited "
                            + DRAIN_TARGET.toSeconds() + " s for one of its " + maxInFlight + " requests in flight: "
                            + "it answers slower than its deliveries come");
                    released = takeWaiting(state, late);
                    state.tooSlowUntil = nowMillis + TOO_SLOW_FOR.toMillis();
                }
            }
            released.forEach(turn -> turn.complete(deferral)); // outside the lock: completing starts their deferral
        }
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
        State state = states.get(webhookId);
        if (state == null) {
            return;
        }
        List<Runnable> afterUnlock = new ArrayList<>();
        synchronized (state) {
            if (!timedOut) {
                state.lastProgressMillis = clock.millis();
                state.answered = true;
            }
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
                takeWaiting(state, state.waiting.size())
                        .forEach(turn -> afterUnlock.add(() -> turn.complete(deferral)));
                state.inFlight = Math.max(0, state.inFlight - 1);
            } else if (!state.waiting.isEmpty()) {
                CompletableFuture<Admission> next = takeWaiting(state, 1).get(0); // the slot passes on
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
