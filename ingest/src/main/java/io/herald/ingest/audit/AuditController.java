package io.herald.ingest.audit;

import io.herald.ingest.auth.TenantScope;
import io.herald.ingest.http.QueryValues;
import io.herald.ingest.audit.AuditResponses.AuditPage;
import io.herald.ingest.audit.AuditResponses.AuditView;
import io.herald.schemas.webhook.AuditEntry;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;

/** A tenant's audit log, newest first: who changed which webhook, when, and how. */
@Controller("/t/{tenant}/api/v1/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditController {

    private final AuditLog log;

    public AuditController(AuditLog log) {
        this.log = log;
    }

    @Get("{?limit,before,webhookId}")
    public AuditPage listAudit(@Parameter(hidden = true) TenantScope scope,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100"))
            @Nullable @QueryValue String limit,
            @Nullable @QueryValue String before, @Nullable @QueryValue String webhookId) {
        int size = QueryValues.pageSize(limit, 50);
        List<AuditEntry> entries = log.page(scope.tenant(), webhookId, before, size);
        List<AuditView> items = entries.stream().map(e -> new AuditView(e.getId(), e.getActor(), e.getAction(),
                e.getWebhookId(), e.getAt(), e.getBefore(), e.getAfter())).toList();
        return new AuditPage(items, items.size() == size ? items.get(items.size() - 1).id() : null);
    }
}
