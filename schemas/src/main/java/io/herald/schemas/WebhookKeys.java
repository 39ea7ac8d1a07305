package io.herald.schemas;

/**
 * Keys of the compacted {@link Topics#SUBSCRIPTIONS} topic: {@code tenant:webhookId}. Putting the tenant first
 * lets the router find a tenant's webhooks with one prefix scan; the webhook id keeps compaction per webhook.
 */
public final class WebhookKeys {

    private static final char SEPARATOR = ':';

    private WebhookKeys() {
    }

    public static String of(String tenant, String webhookId) {
        return tenant + SEPARATOR + webhookId;
    }

    /** The prefix every key of a tenant starts with (tenant slugs never contain the separator). */
    public static String tenantPrefix(String tenant) {
        return tenant + SEPARATOR;
    }

    public static String webhookId(String key) {
        int separator = key.indexOf(SEPARATOR);
        if (separator < 0) {
            throw new IllegalArgumentException("webhook key without tenant: " + key);
        }
        return key.substring(separator + 1);
    }
}
