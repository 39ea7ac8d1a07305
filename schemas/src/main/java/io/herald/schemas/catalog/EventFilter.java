package io.herald.schemas.catalog;

import java.util.Collection;

/**
 * Matches event types against a webhook's filters: an exact type ({@code user.created}), a family wildcard
 * ({@code user.*}, which also covers deeper names such as {@code user.role.changed}), or {@code *} for all.
 */
public final class EventFilter {

    public static final String ALL = "*";
    private static final String FAMILY_WILDCARD_SUFFIX = ".*";

    private EventFilter() {
    }

    /** Whether a filter can match anything: a catalog type, a wildcard of a catalog family, or {@code *}. */
    public static boolean isValid(String filter) {
        if (filter == null) {
            return false;
        }
        if (filter.equals(ALL)) {
            return true;
        }
        if (filter.endsWith(FAMILY_WILDCARD_SUFFIX)) {
            return EventCatalog.get().families().contains(filter.substring(0, filter.length() - 2));
        }
        return EventCatalog.get().find(filter).isPresent();
    }

    public static boolean matches(Collection<String> filters, String eventType) {
        for (String filter : filters) {
            if (matches(filter, eventType)) {
                return true;
            }
        }
        return false;
    }

    public static boolean matches(String filter, String eventType) {
        if (filter.equals(ALL)) {
            return true;
        }
        if (filter.endsWith(FAMILY_WILDCARD_SUFFIX)) {
            String prefix = filter.substring(0, filter.length() - 1); // keep the dot: "user." never matches "username.x"
            return eventType.startsWith(prefix);
        }
        return filter.equals(eventType);
    }
}
