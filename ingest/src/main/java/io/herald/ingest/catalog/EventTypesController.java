package io.herald.ingest.catalog;

import io.herald.schemas.catalog.CatalogArtifacts;
import io.herald.schemas.catalog.EventCatalog;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import java.util.List;

/** The event catalog: every type a webhook can subscribe to. Public: it holds no tenant data. */
@Controller("/api/v1/event-types")
public class EventTypesController {

    @Get
    public List<EventTypeView> listEventTypes() {
        return EventCatalog.get().types().stream().map(EventTypeView::of).toList();
    }

    /** The JSON Schema of the webhook body of one event type, for receivers to validate or generate code from. */
    @Get(uri = "/{type}/schema", produces = "application/schema+json")
    public HttpResponse<String> eventTypeSchema(@PathVariable String type) {
        return EventCatalog.get().find(type)
                .map(found -> HttpResponse.ok(CatalogArtifacts.jsonSchema(found)))
                .orElseGet(() -> HttpResponse.notFound("{\"error\":\"not_found\",\"message\":\"event type "
                        + type.replace("\"", "") + " not found\",\"fields\":[]}"));
    }
}
