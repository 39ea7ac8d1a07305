package io.herald.signatures;

/** Names of the headers Herald sets on every webhook request. */
public final class WebhookHeaders {

    /** Standard Webhooks: the delivery id, stable across retries; receivers deduplicate on it. */
    public static final String ID = "webhook-id";
    /** Standard Webhooks: unix seconds of this attempt. */
    public static final String TIMESTAMP = "webhook-timestamp";
    /** Standard Webhooks: space-separated {@code v1,<base64 HMAC-SHA256>} signatures. */
    public static final String SIGNATURE = "webhook-signature";
    /** GitHub-style {@code sha256=<hex HMAC-SHA256(body)>}, keyed with the secret string itself. */
    public static final String HERALD_SIGNATURE = "X-Herald-Signature";
    /** The event type, so receivers can route before parsing. */
    public static final String EVENT_TYPE = "X-Herald-Event";
    /** The attempt number, starting at 1. */
    public static final String ATTEMPT = "X-Herald-Attempt";

    private WebhookHeaders() {
    }
}
