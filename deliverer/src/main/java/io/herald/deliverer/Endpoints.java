package io.herald.deliverer;

import io.herald.runtime.security.SecretCipher;
import io.herald.schemas.subscription.BasicAuth;
import io.herald.schemas.subscription.BearerTokenAuth;
import io.herald.schemas.subscription.Subscription;
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
 * Turns stored subscriptions into {@link Endpoint}s, decrypting what they hold encrypted; each version of a
 * webhook is decrypted once and cached.
 */
final class Endpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

    private final SecretCipher cipher;
    private final Map<String, Endpoint> byWebhookId = new ConcurrentHashMap<>();

    Endpoints(SecretCipher cipher) {
        this.cipher = cipher;
    }

    Endpoint from(Subscription subscription) {
        Endpoint cached = byWebhookId.get(subscription.getId());
        if (cached != null && cached.version() == subscription.getVersion()) {
            return cached;
        }
        Endpoint endpoint = decrypt(subscription);
        endpoint.unusableReason().ifPresent(reason -> LogKeys.webhook(LOG.atError(), endpoint.tenant(),
                endpoint.webhookId()).log("Webhook {} of tenant {} cannot be delivered to: {}", endpoint.webhookId(),
                endpoint.tenant(), reason));
        byWebhookId.put(subscription.getId(), endpoint);
        return endpoint;
    }

    private Endpoint decrypt(Subscription subscription) {
        String id = subscription.getId();
        try {
            List<String> secrets = subscription.getSigningSecrets().stream()
                    .map(secret -> cipher.decrypt(secret, id))
                    .toList();
            List<Endpoint.RetiringSecret> retiring = subscription.getRetiringSecrets().stream()
                    .map(r -> new Endpoint.RetiringSecret(cipher.decrypt(r.getSecret(), id), r.getExpiresAt()))
                    .toList();
            Optional<String> asymmetric = Optional.ofNullable(subscription.getAsymmetricKey())
                    .map(key -> cipher.decrypt(key.getSecretKey(), id));
            return endpoint(subscription, secrets, retiring, asymmetric, authorization(subscription),
                    Optional.empty());
        } catch (IllegalStateException e) {
            return endpoint(subscription, List.of(), List.of(), Optional.empty(), Optional.empty(),
                    Optional.of(e.getMessage()));
        }
    }

    private Endpoint endpoint(Subscription s, List<String> secrets, List<Endpoint.RetiringSecret> retiring,
            Optional<String> asymmetricSecretKey, Optional<String> authorization, Optional<String> unusable) {
        return new Endpoint(s.getId(), s.getTenant(), withQuery(s.getUrl(), s.getQueryParameters()),
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

    private Optional<String> authorization(Subscription subscription) {
        Object auth = subscription.getAuth();
        if (auth instanceof BearerTokenAuth bearer) {
            return Optional.of("Bearer " + cipher.decrypt(bearer.getToken(), subscription.getId()));
        }
        if (auth instanceof BasicAuth basic) {
            String credentials = basic.getUsername() + ':' + cipher.decrypt(basic.getPassword(), subscription.getId());
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }
}
