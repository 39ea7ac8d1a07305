package io.herald.deliverer;

import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.webhook.BasicAuth;
import io.herald.schemas.webhook.BearerTokenAuth;
import io.herald.schemas.webhook.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import io.herald.runtime.logging.LogKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored webhooks into {@link WebhookTarget}s, decrypting what they hold encrypted; each version of a
 * webhook is decrypted once and cached.
 */
final class WebhookTargets {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookTargets.class);

    private final SecretCipher cipher;
    private final Map<String, WebhookTarget> byWebhookId = new ConcurrentHashMap<>();

    WebhookTargets(SecretCipher cipher) {
        this.cipher = cipher;
    }

    WebhookTarget from(Webhook webhook) {
        WebhookTarget cached = byWebhookId.get(webhook.getId());
        if (cached != null && cached.version() == webhook.getVersion()) {
            return cached;
        }
        WebhookTarget target = decrypt(webhook);
        target.unusableReason().ifPresent(reason -> LogKeys.webhook(LOG.atError(), target.tenant(),
                target.webhookId()).log("Webhook {} of tenant {} cannot be delivered to: {}", target.webhookId(),
                target.tenant(), reason));
        byWebhookId.put(webhook.getId(), target);
        return target;
    }

    private WebhookTarget decrypt(Webhook webhook) {
        String id = webhook.getId();
        try {
            List<String> secrets = webhook.getSigningSecrets().stream()
                    .map(secret -> cipher.decrypt(secret, id))
                    .toList();
            List<WebhookTarget.RetiringSecret> retiring = webhook.getRetiringSecrets().stream()
                    .map(r -> new WebhookTarget.RetiringSecret(cipher.decrypt(r.getSecret(), id), r.getExpiresAt()))
                    .toList();
            Optional<String> asymmetric = Optional.ofNullable(webhook.getAsymmetricKey())
                    .map(key -> cipher.decrypt(key.getSecretKey(), id));
            return target(webhook, secrets, retiring, asymmetric, authorization(webhook),
                    Optional.empty());
        } catch (IllegalStateException e) {
            return target(webhook, List.of(), List.of(), Optional.empty(), Optional.empty(),
                    Optional.of(e.getMessage()));
        }
    }

    private WebhookTarget target(Webhook s, List<String> secrets, List<WebhookTarget.RetiringSecret> retiring,
            Optional<String> asymmetricSecretKey, Optional<String> authorization, Optional<String> unusable) {
        return new WebhookTarget(s.getId(), s.getTenant(), withQuery(s.getUrl(), s.getQueryParameters()),
                s.getActive(), s.getDisabledReason(), secrets, retiring,
                asymmetricSecretKey, s.getHeraldSignature(), authorization, Map.copyOf(s.getHeaders()),
                Optional.ofNullable(s.getTimeoutMs()).map(Duration::ofMillis),
                s.getRetryDelaysMs().stream().map(Duration::ofMillis).toList(),
                Optional.ofNullable(s.getRateLimitPerSecond()).filter(rate -> rate > 0), s.getVersion(), unusable);
    }

    /** The URL with the webhook's query parameters appended, form-encoded, after any it already has. */
    static String withQuery(String url, Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return url;
        }
        StringBuilder query = new StringBuilder();
        new java.util.TreeMap<>(parameters).forEach((name, value) -> query.append(query.length() == 0 ? "" : "&")
                .append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
        int fragment = url.indexOf('#');
        String base = fragment < 0 ? url : url.substring(0, fragment);
        return base + (base.contains("?") ? "&" : "?") + query;
    }

    private Optional<String> authorization(Webhook webhook) {
        Object auth = webhook.getAuth();
        if (auth instanceof BearerTokenAuth bearer) {
            return Optional.of("Bearer " + cipher.decrypt(bearer.getToken(), webhook.getId()));
        }
        if (auth instanceof BasicAuth basic) {
            String credentials = basic.getUsername() + ':' + cipher.decrypt(basic.getPassword(), webhook.getId());
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }
}
