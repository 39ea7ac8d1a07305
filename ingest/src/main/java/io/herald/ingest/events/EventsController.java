package io.herald.ingest.events;

import io.herald.ingest.auth.TenantScope;
import io.herald.ingest.http.ApiException;
import io.herald.ingest.http.FieldProblem;
import io.herald.ingest.ops.IngestOperations;
import io.herald.schemas.event.IamEvent;
import io.micronaut.core.annotation.Nullable;
import io.herald.schemas.tracing.HeraldTracing;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.swagger.v3.oas.annotations.Parameter;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP ingest for IAM services outside the JVM: one event, or a batch ({@code {"events": [...]}} or a JSON array),
 * in the webhook body's shape. Validated against the catalog, published atomically with {@code acks=all} before the
 * response, idempotent on the event id for 24 hours. Same API keys as the management API.
 */
@Controller("/t/{tenant}/api/v1/events")
@ExecuteOn(TaskExecutors.BLOCKING) // waits for Kafka's acknowledgement
public class EventsController {

    /** The most events one request may carry. */
    static final int MAX_BATCH = 500;
    /** The most field problems one answer lists (a batch of bad events could have thousands). */
    static final int MAX_PROBLEMS = 100;

    private final EventIntake intake;
    /** Reads the caller's W3C trace context from the request headers. */
    private static final TextMapGetter<HttpHeaders> CALLER_TRACE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders headers) {
            return headers.names();
        }

        @Override
        public String get(HttpHeaders headers, String name) {
            return headers == null ? null : headers.get(name);
        }
    };

    private final IngestOperations operations;
    private final HeraldTracing tracing;
    private final Clock clock;

    public EventsController(EventIntake intake, IngestOperations operations, HeraldTracing tracing, Clock clock) {
        this.tracing = tracing;
        this.intake = intake;
        this.operations = operations;
        this.clock = clock;
    }

    /** Where one posted event is: its topic coordinates, and whether it had been published before. */
    @Serdeable
    public record EventReceipt(String id, String type, String topic, int partition, long offset,
            boolean duplicate) {
    }

    @Serdeable
    public record EventReceipts(List<EventReceipt> events) {
    }

    @Post
    public EventReceipts publishEvents(HttpRequest<?> request, @Parameter(hidden = true) TenantScope scope,
            @Nullable @Body JsonNode body) {
        String tenant = scope.tenant();
        List<JsonNode> posted = eventsOf(body);
        List<IamEvent> events = new ArrayList<>();
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < posted.size(); i++) {
            String at = isBatch(body) ? "events[" + i + "]." : "";
            JsonEvents.Parsed parsed = JsonEvents.parse(posted.get(i), tenant, at, clock.instant());
            problems.addAll(parsed.problems());
            events.add(parsed.event());
        }
        if (!problems.isEmpty()) {
            operations.events("rejected", posted.size());
            // Nothing of the request is published when any of it is invalid.
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_event", problems.size() == 1
                    ? "1 field is invalid; nothing was published"
                    : problems.size() + " fields are invalid; nothing was published"
                            + (problems.size() > MAX_PROBLEMS ? " (the first " + MAX_PROBLEMS + " are listed)" : ""),
                    problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
        }
        try {
            List<EventIntake.Outcome> outcomes = intake.publish(tenant, events,
                    tracing.extract(request.getHeaders(), CALLER_TRACE));
            long duplicates = outcomes.stream().filter(EventIntake.Outcome::duplicate).count();
            operations.events("published", (int) (outcomes.size() - duplicates));
            operations.events("duplicate", (int) duplicates);
            return new EventReceipts(outcomes.stream()
                    .map(o -> new EventReceipt(o.receipt().eventId(), o.receipt().type(), o.receipt().topic(),
                            o.receipt().partition(), o.receipt().offset(), o.duplicate()))
                    .toList());
        } catch (IntakeUnavailableException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                    e.getMessage().startsWith("event ") ? e.getMessage() + " (the same ids are safe to resend: none "
                            + "is published twice)" : "the events could not be published; nothing was, try again "
                            + "(the same ids are safe to resend)",
                    List.of());
        } catch (EventTooLargeException e) {
            operations.events("rejected", posted.size());
            int index = indexOf(events, e.eventId());
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid_event",
                    "an event is larger than its topic accepts; nothing was published", List.of(new FieldProblem(
                            isBatch(body) ? "events[" + index + "]" : "event",
                            "is larger than its topic accepts (the topic's max.message.bytes)")));
        }
    }

    private static int indexOf(List<IamEvent> events, String eventId) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).getId().equals(eventId)) {
                return i;
            }
        }
        return 0;
    }

    private static List<JsonNode> eventsOf(JsonNode body) {
        if (body == null || body.isNull()) {
            throw ApiException.badRequest(List.of(new FieldProblem("body", "is required: an event, "
                    + "{\"events\": [...]}, or an array of events")));
        }
        JsonNode list = body.isArray() ? body : body.isObject() && body.get("events") != null ? body.get("events")
                : null;
        if (list == null) {
            return List.of(body);
        }
        if (!list.isArray() || list.size() == 0 || list.size() > MAX_BATCH) {
            throw ApiException.badRequest(List.of(new FieldProblem("events", "must be an array of 1 to "
                    + MAX_BATCH + " events")));
        }
        List<JsonNode> events = new ArrayList<>();
        list.values().forEach(events::add);
        return events;
    }

    private static boolean isBatch(JsonNode body) {
        return body.isArray() || body.isObject() && body.get("events") != null;
    }
}
