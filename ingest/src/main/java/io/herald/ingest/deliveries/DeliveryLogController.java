package io.herald.ingest.deliveries;

import io.herald.ingest.auth.TenantScope;
import io.herald.ingest.http.JsonBodies;
import io.herald.ingest.http.QueryValues;
import io.herald.ingest.deliveries.DeliveryResponses.AttemptPage;
import io.herald.ingest.deliveries.DeliveryResponses.DeadLetterPage;
import io.herald.ingest.deliveries.DeliveryResponses.RecoverRequest;
import io.herald.ingest.deliveries.DeliveryResponses.RecoverResult;
import io.herald.ingest.deliveries.DeliveryResponses.ReplayList;
import io.herald.ingest.deliveries.DeliveryResponses.ReplayRequest;
import io.herald.ingest.deliveries.DeliveryResponses.ReplayView;
import io.herald.ingest.deliveries.DeliveryResponses.ResendResult;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * A webhook's delivery log (attempts, dead letters) and the calls that deliver again: resend and recover dead
 * letters, replay events from the event topics.
 */
@Controller("/t/{tenant}/api/v1/webhooks/{id}")
@ExecuteOn(TaskExecutors.BLOCKING) // reads Kafka partitions and waits for acknowledgements
public class DeliveryLogController {

    private static final int DEFAULT_PAGE = 50;

    private final DeliveryLog log;
    private final EventReplays replays;
    private final JsonBodies bodies;

    public DeliveryLogController(DeliveryLog log, EventReplays replays, JsonBodies bodies) {
        this.log = log;
        this.replays = replays;
        this.bodies = bodies;
    }

    /** Attempts newest first, optionally of one outcome or one event. */
    @Get("/attempts{?outcome,eventId,limit,before}")
    public AttemptPage listAttempts(@Parameter(hidden = true) TenantScope scope,
            @PathVariable String id, @Nullable @QueryValue String outcome,
            @Nullable @QueryValue String eventId,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100"))
            @Nullable @QueryValue String limit,
            @Nullable @QueryValue String before) {
        return log.attempts(scope.tenant(), id, outcome, eventId, before, QueryValues.pageSize(limit, DEFAULT_PAGE));
    }

    /** Deliveries Herald gave up on, newest first, each with every attempt it made. */
    @Get("/dead-letters{?limit,before}")
    public DeadLetterPage listDeadLetters(@Parameter(hidden = true) TenantScope scope, @PathVariable String id,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100"))
            @Nullable @QueryValue String limit, @Nullable @QueryValue String before) {
        return log.deadLetters(scope.tenant(), id, before, QueryValues.pageSize(limit, DEFAULT_PAGE));
    }

    /** Gives a dead-lettered delivery one more attempt, with the same webhook-id. */
    @Post("/dead-letters/{deliveryId}/resend")
    public HttpResponse<ResendResult> resendDeadLetter(@Parameter(hidden = true) TenantScope scope,
            @PathVariable String id,
            @PathVariable String deliveryId) {
        return HttpResponse.accepted().body(log.resend(scope.caller(), scope.tenant(), id, deliveryId));
    }

    /** Gives every delivery dead-lettered since a time one more attempt (after an outage, say). */
    @Post("/recover")
    public HttpResponse<RecoverResult> recover(@Parameter(hidden = true) TenantScope scope, @PathVariable String id,
            @Nullable @Body JsonNode body) {
        RecoverRequest recover = bodies.read(body, RecoverRequest.class);
        return HttpResponse.accepted().body(log.recover(scope.caller(), scope.tenant(), id,
                recover == null ? null : recover.since()));
    }

    /** Delivers again every event of the webhook's filters received in a time range (backfill). */
    @Post("/replays")
    public HttpResponse<ReplayView> replay(@Parameter(hidden = true) TenantScope scope,
            @PathVariable String id, @Nullable @Body JsonNode body) {
        ReplayRequest replay = bodies.read(body, ReplayRequest.class);
        return HttpResponse.accepted().body(replays.start(scope.caller(), scope.tenant(), id,
                replay == null ? null : replay.since(), replay == null ? null : replay.until()));
    }

    /** The webhook's replays, newest first, whichever instance started or runs them. */
    @Get("/replays")
    public ReplayList listReplays(@Parameter(hidden = true) TenantScope scope, @PathVariable String id) {
        return new ReplayList(replays.list(scope.tenant(), id));
    }

    @Get("/replays/{replayId}")
    public ReplayView replayStatus(@Parameter(hidden = true) TenantScope scope,
            @PathVariable String id, @PathVariable String replayId) {
        return replays.status(scope.tenant(), id, replayId);
    }
}
