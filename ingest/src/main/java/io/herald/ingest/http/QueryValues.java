package io.herald.ingest.http;

import java.util.List;

/**
 * Query parameters read strictly, with one answer for each kind of bad value: {@code ?limit=0} or
 * {@code ?active=maybe} is a 400 naming the parameter, never silently read as something else.
 */
public final class QueryValues {

    /** The largest page any list call returns. */
    public static final int MAX_PAGE = 100;

    private QueryValues() {
    }

    /** {@code limit}: an integer from 1 to {@link #MAX_PAGE}, or {@code defaultSize} when absent. */
    public static int pageSize(String limit, int defaultSize) {
        if (limit == null) {
            return defaultSize;
        }
        try {
            int size = Integer.parseInt(limit.trim());
            if (size >= 1 && size <= MAX_PAGE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(List.of(new FieldProblem("limit", "must be an integer from 1 to " + MAX_PAGE)));
    }

    /** A true/false parameter, or null when absent. */
    public static Boolean flag(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(List.of(new FieldProblem(name, "must be true or false")));
        };
    }
}
