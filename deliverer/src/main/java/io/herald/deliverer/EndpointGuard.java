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
 * at once, as many again waiting for a free slot (so bursts to a fast endpoint flow at its pace), and a circuit
 * breaker that opens after {@code failureThreshold} consecutive failures, for {@code openFor}; then one trial
 * request decides whether it closes again. A delivery refused here goes to the retry path unsent, so a stuck
 * endpoint never occupies more than a bounded share of the deliverer.
 */
final class EndpointGuard {

    /** How long a delivery waits when its webhook has its fill of requests in flight and waiting. */
    static final Duration SATURATED_BACKOFF = Duration.ofSeconds(2);

    /** Whether a delivery may be attempted now, or when to look at it again. */
    record Admission(boolean admitted, Instant retryAt, String reason) {
        static final Admission ADMITTED = new Admission(true, null, null);
    }

    private static final class State {
        int inFlight;
        int consecutiveFailures;
        Instant openUntil;
        boolean trialInFlight;
        final Deque<CompletableFuture<Admission>> waiting = new ArrayDeque<>();
    }

    private final int maxInFlight;
    private final int failureThreshold;
    private final Duration openFor;
    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    EndpointGuard(int maxInFlight, int failureThreshold, Duration openFor, Clock clock) {
        this.maxInFlight = maxInFlight;
        this.failureThreshold = failureThreshold;
        this.openFor = openFor;
        this.clock = clock;
    }

    /** Completes when the delivery may go (at once, or when a slot frees up), or with a deferral. */
    CompletableFuture<Admission> admit(String webhookId) {
        State state = states.computeIfAbsent(webhookId, id -> new State());
        synchronized (state) {
            Instant now = clock.instant();
            if (state.openUntil != null) {
                if (now.isBefore(state.openUntil)) {
                    return CompletableFuture.completedFuture(openCircuit(state));
                }
                if (state.trialInFlight) {
                    return CompletableFuture.completedFuture(new Admission(false, now.plus(SATURATED_BACKOFF),
                            "circuit half-open, trial under way"));
                }
                state.trialInFlight = true;
                state.inFlight++;
                return CompletableFuture.completedFuture(Admission.ADMITTED);
            }
            if (state.inFlight < maxInFlight) {
                state.inFlight++;
                return CompletableFuture.completedFuture(Admission.ADMITTED);
            }
            if (state.waiting.size() < maxInFlight) {
                CompletableFuture<Admission> turn = new CompletableFuture<>();
                state.waiting.addLast(turn);
                return turn;
            }
            return CompletableFuture.completedFuture(new Admission(false, now.plus(SATURATED_BACKOFF),
                    maxInFlight + " requests in flight and " + maxInFlight + " waiting"));
        }
    }

    /**
     * @param succeeded whether the endpoint answered 2xx
     * @param countsAsFailure whether the attempt says something about the endpoint's health (a refused
     *     destination doesn't)
     */
    void completed(String webhookId, boolean succeeded, boolean countsAsFailure) {
        State state = states.get(webhookId);
        if (state == null) {
            return;
        }
        List<Runnable> afterUnlock = new ArrayList<>();
        synchronized (state) {
            boolean wasTrial = state.trialInFlight;
            state.trialInFlight = false;
            if (succeeded) {
                state.consecutiveFailures = 0;
                state.openUntil = null;
            } else if (countsAsFailure) {
                state.consecutiveFailures++;
                if (wasTrial || state.consecutiveFailures >= failureThreshold) {
                    state.openUntil = clock.instant().plus(openFor);
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
        return new Admission(false, state.openUntil, "circuit open after " + state.consecutiveFailures
                + " consecutive failures");
    }
}
