package io.herald.deliverer;

import io.herald.schemas.delivery.AttemptOutcome;
import io.herald.schemas.delivery.Delivery;
import io.herald.schemas.delivery.DeliveryAttempt;
import io.herald.deliverer.retry.InstantHeaders;
import io.herald.deliverer.retry.RetryDecision;
import io.herald.deliverer.retry.RetryPolicy;
import io.herald.deliverer.retry.FollowUpRouter;
import io.herald.deliverer.retry.RetrySchedule;
import io.herald.schemas.delivery.AttemptSummary;
import io.herald.runtime.store.WebhookTable;
import java.util.ArrayList;
import java.util.List;
import io.herald.runtime.logging.LogKeys;
import io.herald.schemas.tracing.EventSpans;
import io.herald.schemas.tracing.HeraldTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.header.Headers;
import io.herald.schemas.Topics;
import io.herald.runtime.config.Durations;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one delivery to its outcome: finds the webhook, sends (or skips with a reason), records the attempt.
 * The returned future completes once the attempt record is durable, never before.
 */
final class DeliveryProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final WebhookTable view;
    private final WebhookTargets targets;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final FollowUpRouter retries;
    private final RetryPolicy policy;
    private final RetrySchedule defaultSchedule;
    private final EndpointGuard guard;
    private final EndpointRateLimiter rateLimiter;
    private final DelivererMetrics metrics;
    private final HeraldTracing tracing;
    private final Clock clock;

    DeliveryProcessor(WebhookTable view, WebhookTargets targets, WebhookSender sender, AttemptRecorder recorder,
            FollowUpRouter retries, RetryPolicy policy, RetrySchedule defaultSchedule, EndpointGuard guard,
            EndpointRateLimiter rateLimiter, DelivererMetrics metrics, HeraldTracing tracing, Clock clock) {
        this.tracing = tracing;
        this.guard = guard;
        this.metrics = metrics;
        this.rateLimiter = rateLimiter;
        this.view = view;
        this.targets = targets;
        this.sender = sender;
        this.recorder = recorder;
        this.retries = retries;
        this.policy = policy;
        this.defaultSchedule = defaultSchedule;
        this.clock = clock;
    }

    /**
     * Attempts the delivery; a failure is queued for its retry or dead-lettered before the attempt is recorded, and
     * the returned future completes only when all of that is durable.
     */
    CompletableFuture<Void> process(Delivery delivery, Headers headers) {
        Context trace = tracing.extract(headers); // the routing span's context, which each attempt's span joins
        return targetOf(delivery).thenCompose(target -> attempt(delivery, target, trace)
                .thenCompose(outcome -> finish(delivery, target, outcome, headers, trace)));
    }

    private CompletableFuture<Void> finish(Delivery delivery, Optional<WebhookTarget> target, Attempted outcome,
            Headers headers, Context trace) {
        if (outcome instanceof Attempted.Deferred deferred) {
            EndpointGuard.Admission deferral = deferred.admission();
            if (!deferral.kind().failing()) {
                return defer(delivery, deferral, trace);
            }
            // A missing or unreadable mark: held back from now on, rather than never let go.
            Instant heldSince = InstantHeaders.read(headers, Topics.HELD_SINCE_HEADER).orElse(clock.instant());
            Duration held = Duration.between(heldSince, clock.instant());
            Duration limit = scheduleOf(target).span();
            if (held.compareTo(limit) <= 0) {
                return holdBack(delivery, deferral, heldSince, trace);
            }
            outcome = heldBackTooLong(delivery, deferral, held, limit);
        }
        CompletableFuture<DeliveryAttempt> followedUp = outcome instanceof Attempted.Sent sent
                ? afterSending(delivery, target, sent, trace)
                : afterSkipping(delivery, (Attempted.Skipped) outcome, trace);
        return followedUp.thenCompose(attempt -> {
                    log(delivery, attempt);
                    return recorder.record(attempt);
                })
                .thenApply(recorded -> null);
    }

    /** Held back from a failing webhook for longer than its retry schedule spans: dead-lettered, recoverable. */
    private Attempted.Skipped heldBackTooLong(Delivery delivery, EndpointGuard.Admission deferral, Duration held,
            Duration limit) {
        String reason = "held back unsent for " + (held.toMinutes() > 0 ? held.toMinutes() + " min"
                : held.toSeconds() + " s") + " while the webhook was failing (" + deferral.reason()
                + "); its retry schedule spans " + Durations.format(limit);
        return Attempted.Skipped.recoverable(DeliveryAttempts.skipped(delivery, clock.instant(), reason), reason);
    }

    /** Not attempted now (endpoint saturated or rate-limited): back to the retry path. */
    private CompletableFuture<Void> defer(Delivery delivery, EndpointGuard.Admission deferral, Context trace) {
        LOG.debug("Delivery {} to webhook {} deferred until {}: {}", delivery.getId(), delivery.getWebhookId(),
                deferral.retryAt(), deferral.reason());
        metrics.deferred(deferral.kind().label);
        return retries.retry(delivery, deferral.retryAt(), trace);
    }

    /**
     * Not attempted now because the webhook is failing (stuck, or its circuit open): back to the retry path, marked
     * with since when it is held back, so that it is held back no longer than its retry schedule would have tried.
     */
    private CompletableFuture<Void> holdBack(Delivery delivery, EndpointGuard.Admission deferral, Instant heldSince,
            Context trace) {
        LOG.debug("Delivery {} to webhook {} held back since {} until {}: {}", delivery.getId(),
                delivery.getWebhookId(), heldSince, deferral.retryAt(), deferral.reason());
        metrics.deferred(deferral.kind().label);
        return retries.holdBack(delivery, deferral.retryAt(), heldSince, trace);
    }

    /** The webhook's own retry schedule, or the deliverer's. */
    private RetrySchedule scheduleOf(Optional<WebhookTarget> target) {
        return target.map(WebhookTarget::retryDelays).filter(d -> !d.isEmpty())
                .map(d -> new RetrySchedule(d, defaultSchedule.jitter())).orElse(defaultSchedule);
    }

    /** Dead-letters a skipped delivery that can be recovered later; returns the attempt record to write. */
    private CompletableFuture<DeliveryAttempt> afterSkipping(Delivery delivery, Attempted.Skipped skipped,
            Context trace) {
        metrics.skipped(delivery.getTenant());
        DeliveryAttempt attempt = skipped.record();
        if (skipped.deadLetterReason().isEmpty()) {
            return CompletableFuture.completedFuture(attempt); // skipped for good: nobody to deliver to
        }
        Delivery withHistory = Delivery.newBuilder(delivery)
                .setPreviousAttempts(withSummary(delivery, attempt)).build();
        return retries.deadLetter(withHistory, skipped.deadLetterReason().get(), trace).thenApply(dead -> attempt);
    }

    /** Decides what follows a sent attempt, queues it, and returns the attempt record to write. */
    private CompletableFuture<DeliveryAttempt> afterSending(Delivery delivery, Optional<WebhookTarget> target,
            Attempted.Sent sent, Context trace) {
        DeliveryAttempt attempt = sent.record();
        HttpOutcome http = sent.http();
        metrics.attempted(http);
        RetryDecision decision = policy.decide(http, delivery.getAttempt(), scheduleOf(target), clock.instant());
        if (decision instanceof RetryDecision.Done) {
            metrics.delivered(delivery.getTenant(), delivery.getEventTimestamp(), clock.instant());
            return CompletableFuture.completedFuture(attempt);
        }
        Delivery withHistory = Delivery.newBuilder(delivery)
                .setPreviousAttempts(withSummary(delivery, attempt))
                .build();
        if (decision instanceof RetryDecision.RetryAt retry) {
            metrics.retried(delivery.getTenant(), Duration.between(clock.instant(), retry.dueAt()));
            Delivery next = Delivery.newBuilder(withHistory).setAttempt(delivery.getAttempt() + 1).build();
            attempt.setNextAttemptAt(retry.dueAt());
            return retries.retry(next, retry.dueAt(), trace).thenApply(queued -> attempt);
        }
        RetryDecision.GiveUp giveUp = (RetryDecision.GiveUp) decision;
        if (http.refused()) {
            metrics.refused(delivery.getTenant());
        } else {
            metrics.deadLettered(delivery.getTenant());
        }
        return retries.deadLetter(withHistory, giveUp.reason(), trace).thenApply(dead -> attempt);
    }

    private static List<AttemptSummary> withSummary(Delivery delivery, DeliveryAttempt attempt) {
        List<AttemptSummary> history = new ArrayList<>(delivery.getPreviousAttempts());
        history.add(new AttemptSummary(attempt.getAttempt(), attempt.getStartedAt(), attempt.getOutcome().name(),
                attempt.getHttpStatus(), attempt.getError()));
        return history;
    }

    /** How far a delivery got: sent (with the attempt's record), skipped (with its record), or deferred. */
    private sealed interface Attempted {

        /** Sent: the endpoint answered, or the attempt failed trying. */
        record Sent(DeliveryAttempt record, HttpOutcome http) implements Attempted {
        }

        /**
         * Not sent, for good.
         *
         * @param deadLetterReason why it is kept in the dead letters, so it can be recovered once its webhook is
         *     enabled again; empty when nobody is left to deliver it to
         */
        record Skipped(DeliveryAttempt record, Optional<String> deadLetterReason) implements Attempted {

            static Skipped dropped(DeliveryAttempt record) {
                return new Skipped(record, Optional.empty());
            }

            static Skipped recoverable(DeliveryAttempt record, String deadLetterReason) {
                return new Skipped(record, Optional.of(deadLetterReason));
            }
        }

        /** Not attempted now (the endpoint guard or rate limit said later): there is no attempt to record. */
        record Deferred(EndpointGuard.Admission admission) implements Attempted {
        }
    }

    /**
     * The webhook, at least in the version the router matched: when this deliverer's view is older (or lacks the
     * webhook), it catches up first, so a rotated secret or changed URL is never missed.
     */
    private CompletableFuture<Optional<WebhookTarget>> targetOf(Delivery delivery) {
        Optional<WebhookTarget> known = view.find(delivery.getWebhookId())
                .filter(webhook -> webhook.getVersion() >= delivery.getWebhookVersion())
                .map(targets::from);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known);
        }
        return view.syncToEnd().thenApply(synced -> view.find(delivery.getWebhookId()).map(targets::from));
    }

    private CompletableFuture<Attempted> attempt(Delivery delivery, Optional<WebhookTarget> found, Context trace) {
        if (found.isEmpty()) {
            return skip(delivery, "webhook no longer exists");
        }
        WebhookTarget target = found.get();
        if (!target.tenant().equals(delivery.getTenant())) {
            return skip(delivery, "webhook belongs to another tenant");
        }
        if (!target.active()) {
            String reason = "webhook is disabled"
                    + (target.disabledReason() != null ? ": " + target.disabledReason() : "");
            return CompletableFuture.completedFuture(Attempted.Skipped.recoverable(
                    DeliveryAttempts.skipped(delivery, clock.instant(), reason), reason));
        }
        if (target.unusableReason().isPresent()) {
            // Most often this deliverer's key ring lacks the key of the webhook's secrets (a misconfiguration):
            // dead-lettered, recoverable once it is fixed, rather than dropped.
            String reason = "webhook cannot be delivered to: " + target.unusableReason().get();
            return CompletableFuture.completedFuture(Attempted.Skipped.recoverable(
                    DeliveryAttempts.skipped(delivery, clock.instant(), reason), reason));
        }
        return paced(target).thenCompose(deferral -> deferral.isPresent()
                ? CompletableFuture.completedFuture(new Attempted.Deferred(deferral.get()))
                : guarded(delivery, target, trace));
    }

    /** Waits for the webhook's turn under its rate limit, if it has one; a turn too far off is a deferral. */
    private CompletableFuture<Optional<EndpointGuard.Admission>> paced(WebhookTarget target) {
        if (target.rateLimitPerSecond().isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        int perSecond = target.rateLimitPerSecond().get();
        EndpointRateLimiter.Turn turn = rateLimiter.take(target.webhookId(), perSecond);
        if (turn.deferred()) {
            return CompletableFuture.completedFuture(Optional.of(EndpointGuard.Admission.deferred(
                    EndpointGuard.Deferral.RATE_LIMITED, turn.retryAt(),
                    "rate limit of " + perSecond + " requests per second")));
        }
        if (turn.delay().isZero()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.supplyAsync(Optional::empty,
                CompletableFuture.delayedExecutor(turn.delay().toNanos(), TimeUnit.NANOSECONDS));
    }

    private CompletableFuture<Attempted> guarded(Delivery delivery, WebhookTarget target, Context trace) {
        return guard.admit(target.webhookId()).thenCompose(admission -> {
            if (!admission.admitted()) {
                return CompletableFuture.completedFuture(new Attempted.Deferred(admission));
            }
            Span span = EventSpans.delivering(tracing.tracer(), trace, delivery, target.host());
            return sender.send(target, delivery, trace.with(span)).thenApply(http -> {
                endSpan(span, http);
                guard.completed(target.webhookId(), http);
                return new Attempted.Sent(DeliveryAttempts.fromHttp(delivery, http), http);
            });
        });
    }

    private static void endSpan(Span span, HttpOutcome http) {
        if (http.status() != null) {
            span.setAttribute(EventSpans.HTTP_STATUS, (long) http.status());
        }
        if (!http.succeeded()) {
            // The attempt's error text may quote the endpoint's answer; the span gets its class of failure only.
            span.setStatus(StatusCode.ERROR, http.refused() ? "refused"
                    : http.status() != null ? "HTTP " + http.status() : "no response");
        }
        span.end();
    }

    private CompletableFuture<Attempted> skip(Delivery delivery, String reason) {
        return CompletableFuture.completedFuture(
                Attempted.Skipped.dropped(DeliveryAttempts.skipped(delivery, clock.instant(), reason)));
    }

    private static void log(Delivery delivery, DeliveryAttempt attempt) {
        if (attempt.getOutcome() == AttemptOutcome.SUCCEEDED) {
            LogKeys.delivery(LOG.atDebug(), delivery).log("Delivered {} (event {}, {}) to webhook {} of tenant {}: "
                    + "HTTP {} in {} ms", delivery.getId(), delivery.getEventId(), delivery.getEventType(),
                    delivery.getWebhookId(), delivery.getTenant(), attempt.getHttpStatus(), attempt.getLatencyMs());
        } else {
            LogKeys.delivery(LOG.atInfo(), delivery).addKeyValue("attempt", attempt.getAttempt())
                    .addKeyValue("outcome", attempt.getOutcome())
                    .log("Delivery {} (event {}, {}) to webhook {} of tenant {} attempt {} {}: {}{}", delivery.getId(),
                            delivery.getEventId(), delivery.getEventType(), delivery.getWebhookId(),
                            delivery.getTenant(), attempt.getAttempt(), attempt.getOutcome(), attempt.getError(),
                            attempt.getNextAttemptAt() == null ? "" : "; next attempt at " + attempt.getNextAttemptAt());
        }
    }
}
