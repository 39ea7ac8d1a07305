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
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
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
    private final ApiAuthenticator authenticator;
    private final JsonBodies bodies;

    public DeliveryLogController(DeliveryLog log, EventReplays replays, ApiAuthenticator authenticator,
            JsonBodies bodies) {
        this.log = log;
        this.replays = replays;
        this.authenticator = authenticator;
        this.bodies = bodies;
    }

    /** Attempts newest first, optionally of one outcome or one event. */
    @Get("/attempts{?outcome,eventId,limit,before}")
    public AttemptPage listAttempts(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Nullable @QueryValue String outcome, @Nullable @QueryValue String eventId,
            @Nullable @QueryValue String limit, @Nullable @QueryValue String before) {
        authorize(request, tenant);
        return log.attempts(tenant, id, outcome, eventId, before, QueryValues.pageSize(limit, DEFAULT_PAGE));
    }

    /** Deliveries Herald gave up on, newest first, each with every attempt it made. */
    @Get("/dead-letters{?limit,before}")
    public DeadLetterPage listDeadLetters(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Nullable @QueryValue String limit, @Nullable @QueryValue String before) {
        authorize(request, tenant);
        return log.deadLetters(tenant, id, before, QueryValues.pageSize(limit, DEFAULT_PAGE));
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
            @PathVariable String id, @Nullable @Body JsonNode body) {
        Caller caller = authorize(request, tenant);
        RecoverRequest recover = bodies.read(body, RecoverRequest.class);
        return HttpResponse.accepted().body(log.recover(caller, tenant, id, recover == null ? null : recover.since()));
    }

    /** Delivers again every event of the webhook's filters received in a time range (backfill). */
    @Post("/replays")
    public HttpResponse<ReplayView> replay(HttpRequest<?> request, @PathVariable String tenant,
            @PathVariable String id, @Nullable @Body JsonNode body) {
        Caller caller = authorize(request, tenant);
        ReplayRequest replay = bodies.read(body, ReplayRequest.class);
        return HttpResponse.accepted().body(replays.start(caller, tenant, id, replay == null ? null : replay.since(),
                replay == null ? null : replay.until()));
    }

    @Get("/replays/{replayId}")
    public ReplayView replayStatus(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @PathVariable String replayId) {
        authorize(request, tenant);
        return replays.status(tenant, id, replayId);
    }

    private Caller authorize(HttpRequest<?> request, String tenant) {
        return authenticator.authorize(request, tenant);
    }
}
