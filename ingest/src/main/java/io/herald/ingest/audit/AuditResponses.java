package io.herald.ingest.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;

/** The audit API's request and response bodies besides the webhook itself. */
public final class AuditResponses {

    private AuditResponses() {
    }

    /** One audit entry; before and after are the webhook as JSON, secrets never included. */
    @Serdeable
    public record AuditView(String id, String actor, String action, String webhookId, Instant at,
            @Nullable String before, @Nullable String after) {
    }

    @Serdeable
    public record AuditPage(List<AuditView> items, @Nullable String nextCursor) {
    }
}
