package io.herald.ingest.api;

import io.herald.ingest.api.ApiResponses.AttemptPage;
import io.herald.ingest.api.ApiResponses.DeadLetterPage;
import io.herald.ingest.api.ApiResponses.RecoverRequest;
import io.herald.ingest.api.ApiResponses.RecoverResult;
import io.herald.ingest.api.ApiResponses.ReplayRequest;
import io.herald.ingest.api.ApiResponses.ReplayView;
import io.herald.ingest.api.ApiResponses.ResendResult;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;

/**
 * A webhook's delivery log (attempts, dead letters) and the calls that deliver again: resend and recover dead
 * letters, replay events from the event topics.
 */
@Controller("/t/{tenant}/api/v1/webhooks/{id}")
@ExecuteOn(TaskExecutors.BLOCKING) // reads Kafka partitions and waits for acknowledgements
public class DeliveryLogController {

    private final DeliveryLog log;
    private final EventReplays replays;
    private final ApiAuthenticator authenticator;

    public DeliveryLogController(DeliveryLog log, EventReplays replays, ApiAuthenticator authenticator) {
        this.log = log;
        this.replays = replays;
        this.authenticator = authenticator;
    }

    /** Attempts newest first, optionally of one outcome or one event. */
    @Get("/attempts{?outcome,eventId,limit,before}")
    public AttemptPage listAttempts(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Nullable @QueryValue String outcome, @Nullable @QueryValue String eventId,
            @Nullable @QueryValue Integer limit, @Nullable @QueryValue String before) {
        authorize(request, tenant);
        return log.attempts(tenant, id, outcome, eventId, before, pageSize(limit));
    }

    /** Deliveries Herald gave up on, newest first, each with every attempt it made. */
    @Get("/dead-letters{?limit,before}")
    public DeadLetterPage listDeadLetters(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Nullable @QueryValue Integer limit, @Nullable @QueryValue String before) {
        authorize(request, tenant);
        return log.deadLetters(tenant, id, before, pageSize(limit));
    }

    /** Gives a dead-lettered delivery one more attempt, with the same webhook-id. */
    @Post("/dead-letters/{deliveryId}/resend")
    public HttpResponse<ResendResult> resendDeadLetter(HttpRequest<?> request, @PathVariable String tenant,
            @PathVariable String id, @PathVariable String deliveryId) {
        return HttpResponse.accepted().body(log.resend(authorize(request, tenant), tenant, id, deliveryId));
    }

    /** Gives every delivery dead-lettered since a time one more attempt (after an outage, say). */
    @Post("/recover")
    public HttpResponse<RecoverResult> recover(HttpRequest<?> request, @PathVariable String tenant,
            @PathVariable String id, @Nullable @Body RecoverRequest body) {
        return HttpResponse.accepted().body(log.recover(authorize(request, tenant), tenant, id,
                body == null ? null : body.since()));
    }

    /** Delivers again every event of the webhook's filters received in a time range (backfill). */
    @Post("/replays")
    public HttpResponse<ReplayView> replay(HttpRequest<?> request, @PathVariable String tenant,
            @PathVariable String id, @Nullable @Body ReplayRequest body) {
        return HttpResponse.accepted().body(replays.start(authorize(request, tenant), tenant, id,
                body == null ? null : body.since(), body == null ? null : body.until()));
    }

    @Get("/replays/{replayId}")
    public ReplayView replayStatus(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @PathVariable String replayId) {
        authorize(request, tenant);
        return replays.status(tenant, id, replayId);
    }

    private static int pageSize(Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > WebhookService.MAX_PAGE) {
            throw ApiException.badRequest(List.of(new FieldProblem("limit", "must be between 1 and "
                    + WebhookService.MAX_PAGE)));
        }
        return size;
    }

    private Caller authorize(HttpRequest<?> request, String tenant) {
        return authenticator.authorize(request, tenant);
    }
}
