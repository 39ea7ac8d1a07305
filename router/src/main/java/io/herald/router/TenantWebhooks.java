package io.herald.router;

import io.herald.schemas.webhook.Webhook;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One routing task's memory of its tenants' active webhooks, decoded: routing an event walks a short list instead of
 * scanning the store and decoding each of the tenant's webhooks again (a third of the routing thread's time before).
 * Forgets everything whenever the webhook store changes, and keeps at most {@link #MAX_WEBHOOKS} webhooks, the
 * least recently routed tenants going first (the tenant just routed always stays). Not thread-safe: each task has
 * its own.
 */
final class TenantWebhooks {

    /**
     * Events are keyed by tenant, so a task sees a share of the tenants and the busy ones are what matters; counted
     * in webhooks rather than tenants because one tenant may have thousands (a few MiB per task at most).
     */
    static final int MAX_WEBHOOKS = 10_000;

    private final WebhookChanges changes;
    private final int maxWebhooks;
    private final Map<String, List<Webhook>> byTenant = new LinkedHashMap<>(64, 0.75f, true);
    private int webhooks;
    private long generation = -1;

    TenantWebhooks(WebhookChanges changes) {
        this(changes, MAX_WEBHOOKS);
    }

    TenantWebhooks(WebhookChanges changes, int maxWebhooks) {
        this.changes = changes;
        this.maxWebhooks = maxWebhooks;
    }

    /**
     * The tenant's active webhooks: remembered ones if the store has not changed since they were read, otherwise
     * {@code load}'s answer, which is remembered under the generation read before loading it (so a load that raced
     * with a change is dropped at the next call).
     */
    List<Webhook> of(String tenant, Function<String, List<Webhook>> load) {
        long current = changes.generation();
        if (current != generation) {
            byTenant.clear();
            webhooks = 0;
            generation = current;
        }
        List<Webhook> remembered = byTenant.get(tenant);
        if (remembered != null) {
            return remembered;
        }
        List<Webhook> loaded = List.copyOf(load.apply(tenant));
        byTenant.put(tenant, loaded);
        webhooks += loaded.size();
        forgetLeastRecentBeyondLimit();
        return loaded;
    }

    private void forgetLeastRecentBeyondLimit() {
        Iterator<List<Webhook>> leastRecentFirst = byTenant.values().iterator();
        while (webhooks > maxWebhooks && byTenant.size() > 1) {
            webhooks -= leastRecentFirst.next().size();
            leastRecentFirst.remove();
        }
    }

    int tenants() {
        return byTenant.size();
    }
}
