package io.herald.runtime.audit;

import io.herald.schemas.HeraldIds;
import io.herald.schemas.webhook.AuditEntry;
import io.herald.schemas.webhook.Webhook;
import java.time.Instant;

/**
 * Builds the records of the {@code herald.audit} topic, the same way whoever writes them: the management API, or
 * Herald itself when it disables a failing webhook.
 */
public final class AuditEntries {

    /** The actor of changes Herald makes on its own, such as disabling a webhook that keeps failing. */
    public static final String HERALD_ACTOR = "herald";

    private AuditEntries() {
    }

    /**
     * @param before the webhook before the change, null when it is new
     * @param after the webhook after the change, null when it was deleted
     */
    public static AuditEntry change(Webhook before, Webhook after, String actor, String action,
            Instant at) {
        Webhook subject = after != null ? after : before;
        return AuditEntry.newBuilder()
                .setId(HeraldIds.newAuditId())
                .setTenant(subject.getTenant())
                .setActor(actor)
                .setAction(action)
                .setWebhookId(subject.getId())
                .setAt(at)
                .setBefore(RedactedJson.of(before))
                .setAfter(RedactedJson.of(after))
                .build();
    }

    /** An entry for something that changed no webhook, such as a secret being revealed. */
    public static AuditEntry event(Webhook subject, String actor, String action, Instant at) {
        return AuditEntry.newBuilder()
                .setId(HeraldIds.newAuditId()).setTenant(subject.getTenant()).setActor(actor).setAction(action)
                .setWebhookId(subject.getId()).setAt(at)
                .build();
    }
}
