package io.herald.ingest.http;

import io.herald.schemas.catalog.EventCatalog;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.List;

/** The event catalog: every type a webhook can subscribe to. Public: it holds no tenant data. */
@Controller("/api/v1/event-types")
public class EventTypesController {

    @Get
    public List<EventTypeView> listEventTypes() {
        return EventCatalog.get().types().stream().map(EventTypeView::of).toList();
    }
}
