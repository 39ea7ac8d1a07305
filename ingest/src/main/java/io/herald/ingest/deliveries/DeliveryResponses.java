package io.herald.ingest.deliveries;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/** The delivery log API's request and response bodies besides the webhook itself. */
public final class DeliveryResponses {

    private DeliveryResponses() {
    }

    /** One attempt to deliver an event to a webhook, as recorded on {@code herald.attempts}. */
    @Serdeable
    public record AttemptView(String id, String deliveryId, String eventId, String eventType, int attempt,
            String outcome, Instant startedAt, long latencyMs, @Nullable Integer httpStatus, @Nullable String error,
            @Nullable String responseExcerpt, @Nullable Instant nextAttemptAt) {
    }

    /** Attempts, newest first; pass {@code nextCursor} as {@code before} for older ones (null when none are left). */
    @Serdeable
    public record AttemptPage(List<AttemptView> items, @Nullable String nextCursor) {
    }

    /** What one earlier attempt of a dead-lettered delivery did. */
    @Serdeable
    public record AttemptSummaryView(int attempt, Instant at, String outcome, @Nullable Integer httpStatus,
            @Nullable String error) {
    }

    /** A delivery Herald gave up on, with every attempt it made. */
    @Serdeable
    public record DeadLetterView(String deliveryId, String eventId, String eventType, Instant eventTimestamp,
            String reason, Instant deadAt, List<AttemptSummaryView> attempts) {
    }

    /** Dead letters, newest first; pass {@code nextCursor} as {@code before} for older ones. */
    @Serdeable
    public record DeadLetterPage(List<DeadLetterView> items, @Nullable String nextCursor) {
    }

    /** A dead letter queued for one more attempt. */
    @Serdeable
    public record ResendResult(String deliveryId, int attempt) {
    }

    /** The body of a recover call: resend every dead letter of the webhook that died at or after {@code since}. */
    @Serdeable
    public record RecoverRequest(@Nullable Instant since) {
    }

    /**
     * What a recover call queued.
     *
     * @param resent deliveries queued for one more attempt (each delivery once, however often it died)
     * @param nextSince when not every dead letter fitted in one call: call again with this as {@code since}
     */
    @Serdeable
    public record RecoverResult(int resent, @Nullable Instant nextSince) {
    }

    /** The body of a replay call: the events Herald received from {@code since} up to {@code until} (default now). */
    @Serdeable
    public record ReplayRequest(@Nullable Instant since, @Nullable Instant until) {
    }

    /**
     * A replay and how far it got.
     *
     * @param state RUNNING, DONE or FAILED
     * @param eventsRead records read from the event topics in the range (every tenant's)
     * @param deliveriesQueued events of the webhook queued for delivery
     */
    @Serdeable
    public record ReplayView(String id, String webhookId, Instant since, Instant until, String state, long eventsRead,
            long deliveriesQueued, Instant startedAt, Instant updatedAt, @Nullable Instant finishedAt,
            @Nullable String error, int resumes) {
    }

    /** A webhook's replays, newest first. */
    @Serdeable
    public record ReplayList(List<ReplayView> items) {
    }
}
