package io.herald.deliverer;

import io.herald.schemas.delivery.Delivery;
import io.herald.signatures.WebhookHeaders;
import io.herald.signatures.WebhookSignatures;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the signed POST of a delivery: the exact body, Standard Webhooks headers (one signature per active
 * secret), {@code X-Herald-Signature}, the endpoint's credentials and custom headers.
 */
final class WebhookRequests {

    static final String USER_AGENT = "Herald-Webhooks/0.1";

    /** Headers a webhook's custom headers may not replace: they carry the signature and framing. */
    private static final Set<String> RESERVED = Set.of(
            WebhookHeaders.ID, WebhookHeaders.TIMESTAMP, WebhookHeaders.SIGNATURE,
            WebhookHeaders.HERALD_SIGNATURE.toLowerCase(Locale.ROOT), WebhookHeaders.EVENT_TYPE.toLowerCase(Locale.ROOT),
            WebhookHeaders.ATTEMPT.toLowerCase(Locale.ROOT),
            "content-type", "content-length", "host", "transfer-encoding", "connection", "authorization", "user-agent");

    private WebhookRequests() {
    }

    /** v1 per symmetric secret (several during rotation), then v1a when the webhook has an ed25519 key. */
    private static String signatures(WebhookTarget target, Instant now, String messageId, long timestamp, String body) {
        String symmetric = WebhookSignatures.standardHeader(target.secretsAt(now), messageId, timestamp, body);
        return target.asymmetricSecretKey()
                .map(key -> WebhookSignatures.asymmetric(key, messageId, timestamp, body))
                .map(asymmetric -> symmetric.isEmpty() ? asymmetric : symmetric + ' ' + asymmetric)
                .orElse(symmetric);
    }

    static MutableHttpRequest<String> build(WebhookTarget target, Delivery delivery, Instant now) {
        String body = delivery.getBody();
        long timestamp = now.getEpochSecond();
        MutableHttpRequest<String> request = HttpRequest.POST(target.url(), body)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .header("User-Agent", USER_AGENT);
        target.headers().forEach((name, value) -> {
            if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                request.header(name, value);
            }
        });
        target.authorization().ifPresent(value -> request.header("Authorization", value));
        request.header(WebhookHeaders.ID, delivery.getId())
                .header(WebhookHeaders.TIMESTAMP, Long.toString(timestamp))
                .header(WebhookHeaders.SIGNATURE, signatures(target, now, delivery.getId(), timestamp, body))
                .header(WebhookHeaders.EVENT_TYPE, delivery.getEventType())
                .header(WebhookHeaders.ATTEMPT, Integer.toString(delivery.getAttempt()));
        if (target.heraldSignature() && !target.signingSecrets().isEmpty()) {
            request.header(WebhookHeaders.HERALD_SIGNATURE,
                    WebhookSignatures.herald(target.signingSecrets().get(0), body));
        }
        return request;
    }
}
