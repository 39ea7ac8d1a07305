package io.herald.ingest.webhooks;

import io.herald.schemas.Tenants;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventFilter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a tenant asks for when registering a webhook. Validated on construction: every problem is reported at once.
 *
 * @param timeoutMs per-attempt timeout in milliseconds, or null for the deliverer's default
 * @param asymmetricSignature also sign with a generated ed25519 key (Standard Webhooks v1a); the tenant gets the
 *     public key
 * @param heraldSignature add the GitHub-style X-Herald-Signature header (on by default)
 */
public record WebhookDefinition(
        String tenant,
        String name,
        String description,
        String url,
        List<String> eventTypes,
        Map<String, String> headers,
        Integer timeoutMs,
        boolean active,
        boolean asymmetricSignature,
        boolean heraldSignature) {

    public static final int MAX_TIMEOUT_MS = 60_000;

    public WebhookDefinition {
        eventTypes = eventTypes == null ? List.of() : List.copyOf(eventTypes);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        List<String> problems = problems(tenant, name, url, eventTypes, timeoutMs);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid webhook: " + String.join("; ", problems));
        }
    }

    /** A webhook with the default signatures: Standard Webhooks v1 and X-Herald-Signature. */
    public WebhookDefinition(String tenant, String name, String description, String url, List<String> eventTypes,
            Map<String, String> headers, Integer timeoutMs, boolean active) {
        this(tenant, name, description, url, eventTypes, headers, timeoutMs, active, false, true);
    }

    /** The same webhook, also signed with ed25519 (v1a). */
    public WebhookDefinition withAsymmetricSignature() {
        return new WebhookDefinition(tenant, name, description, url, eventTypes, headers, timeoutMs, active, true,
                heraldSignature);
    }

    /** The same webhook without the X-Herald-Signature header. */
    public WebhookDefinition withoutHeraldSignature() {
        return new WebhookDefinition(tenant, name, description, url, eventTypes, headers, timeoutMs, active,
                asymmetricSignature, false);
    }

    /** An active webhook with no description, custom headers or timeout override. */
    public static WebhookDefinition of(String tenant, String name, String url, List<String> eventTypes) {
        return new WebhookDefinition(tenant, name, null, url, eventTypes, Map.of(), null, true);
    }

    private static List<String> problems(String tenant, String name, String url, List<String> eventTypes,
            Integer timeoutMs) {
        List<String> problems = new ArrayList<>();
        if (!Tenants.isValid(tenant)) {
            problems.add("tenant must be a slug of lower-case letters, digits and '-'");
        }
        if (name == null || name.isBlank()) {
            problems.add("name is required");
        }
        problems.addAll(urlProblems(url));
        if (eventTypes.isEmpty()) {
            problems.add("eventTypes needs at least one type, family.* wildcard or *");
        }
        for (String filter : eventTypes) {
            if (!EventFilter.isValid(filter)) {
                problems.add("eventTypes: " + filter + " is neither a catalog event type, a family.* wildcard "
                        + "of a known family " + EventCatalog.get().families() + ", nor *");
            }
        }
        if (timeoutMs != null && (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS)) {
            problems.add("timeoutMs must be between 1 and " + MAX_TIMEOUT_MS);
        }
        return problems;
    }

    private static List<String> urlProblems(String url) {
        if (url == null || url.isBlank()) {
            return List.of("url is required");
        }
        try {
            URI uri = new URI(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                return List.of("url must be http or https");
            }
            if (uri.getHost() == null) {
                return List.of("url has no valid host");
            }
            if (uri.getUserInfo() != null) {
                return List.of("url must not carry credentials; use auth instead");
            }
            if (uri.getFragment() != null) {
                return List.of("url must not have a fragment");
            }
            return List.of();
        } catch (URISyntaxException e) {
            return List.of("url is not a valid URL: " + e.getReason());
        }
    }
}
