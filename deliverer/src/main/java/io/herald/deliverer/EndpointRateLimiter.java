package io.herald.deliverer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds each webhook to its {@code rateLimitPerSecond}: a burst of that many requests, then one every
 * 1/rate seconds (the generic cell rate algorithm). A request whose turn is near waits for it in memory, without a
 * thread; one whose turn is further off goes to the retry path, due when the backlog ahead of it should have gone,
 * so a burst to a slow-paced endpoint is spread out instead of bouncing. All of a webhook's deliveries reach one
 * deliverer (they share a partition), so the limit holds across the fleet.
 */
final class EndpointRateLimiter {

    /** The longest a delivery waits in memory for its turn; beyond that it goes to the retry path. */
    static final Duration MAX_WAIT = Duration.ofSeconds(1);

    /** When a request may be sent: after {@code delay} (zero for now), or deferred until {@code retryAt}. */
    record Turn(Duration delay, Instant retryAt) {
        boolean deferred() {
            return retryAt != null;
        }
    }

    private static final class State {
        /** The theoretical arrival time of the next request at the steady rate. */
        Instant nextAt = Instant.MIN;
        /** The latest due time handed to a deferred request. */
        Instant deferredUntil = Instant.MIN;
    }

    private static final int PRUNE_EVERY = 10_000;
    private static final Duration IDLE = Duration.ofMinutes(10);

    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final AtomicInteger takes = new AtomicInteger();

    EndpointRateLimiter(Clock clock) {
        this.clock = clock;
    }

    /** Takes a turn for one request to a webhook limited to {@code perSecond} requests per second. */
    Turn take(String webhookId, int perSecond) {
        if (takes.incrementAndGet() % PRUNE_EVERY == 0) {
            forgetIdle(IDLE);
        }
        Duration interval = Duration.ofNanos(1_000_000_000L / perSecond);
        Duration burstTolerance = interval.multipliedBy(perSecond - 1L);
        State state = states.computeIfAbsent(webhookId, id -> new State());
        synchronized (state) {
            Instant now = clock.instant();
            Instant arrival = state.nextAt.isAfter(now) ? state.nextAt : now;
            Instant allowedAt = arrival.minus(burstTolerance);
            Duration wait = allowedAt.isAfter(now) ? Duration.between(now, allowedAt) : Duration.ZERO;
            if (wait.compareTo(MAX_WAIT) <= 0) {
                state.nextAt = arrival.plus(interval);
                return new Turn(wait, null);
            }
            Instant after = state.deferredUntil.isAfter(allowedAt) ? state.deferredUntil : allowedAt;
            state.deferredUntil = after.plus(interval);
            return new Turn(null, state.deferredUntil);
        }
    }

    /** Forgets webhooks not limited recently, so the map does not grow with every webhook ever seen. */
    private void forgetIdle(Duration idleFor) {
        Instant cutoff = clock.instant().minus(idleFor);
        states.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                return entry.getValue().nextAt.isBefore(cutoff) && entry.getValue().deferredUntil.isBefore(cutoff);
            }
        });
    }
}
