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

    /**
     * An entry for a disable Herald decided on and did not make, because the webhook changed since the failures
     * were counted: {@code before} is the webhook as it is (unchanged), {@code after} says what was not done and why
     * ({@code {"skipped": "disable", "countedVersion": n, "reason": "..."}}).
     */
    public static AuditEntry skippedDisable(Webhook current, long countedVersion, String reason, Instant at) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator json = new com.fasterxml.jackson.core.JsonFactory()
                .createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("skipped", "disable");
            json.writeNumberField("countedVersion", countedVersion);
            json.writeNumberField("foundVersion", current.getVersion());
            json.writeStringField("reason", reason);
            json.writeEndObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("writing JSON in memory cannot fail", e);
        }
        return AuditEntry.newBuilder()
                .setId(HeraldIds.newAuditId()).setTenant(current.getTenant()).setActor(HERALD_ACTOR)
                .setAction("webhook.disable_skipped").setWebhookId(current.getId()).setAt(at)
                .setBefore(RedactedJson.of(current)).setAfter(out.toString())
                .build();
    }
}
