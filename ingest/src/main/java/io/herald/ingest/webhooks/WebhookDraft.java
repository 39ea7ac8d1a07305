package io.herald.ingest.webhooks;

import java.util.List;
import java.util.Map;

/**
 * A webhook's settings after merging a request into what exists (for PATCH) or taking the request whole (POST,
 * PUT): what gets validated and then stored.
 *
 * @param secret a client-chosen whsec_ secret, or null
 * @param auth the credentials to store; null keeps none
 */
record WebhookDraft(
        String name,
        String description,
        String url,
        List<String> eventTypes,
        boolean active,
        String secret,
        WebhookInput.AuthInput auth,
        Map<String, String> headers,
        Map<String, String> queryParameters,
        Integer timeoutMs,
        Integer rateLimitPerSecond,
        List<String> retrySchedule,
        boolean ed25519,
        boolean heraldSignature) {
}
