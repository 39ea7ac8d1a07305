package io.herald.ingest.webhooks;

import io.herald.ingest.http.ApiException;
import io.herald.ingest.http.FieldProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's {@code If-Match} precondition on a webhook's version (RFC 9110): the entity tags it lists, or
 * {@code *} for any stored version. A webhook's entity tag is its version, quoted: {@code "7"}. Weak tags never
 * match (If-Match compares strongly).
 */
public record IfMatch(boolean any, List<Long> versions) {

    public static final String HEADER = "If-Match";

    /** The entity tag of a webhook at {@code version}, as the {@code ETag} header carries it. */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The precondition of a header value, or null when there is none.
     *
     * @throws ApiException 400 naming the header when it is not a list of entity tags
     */
    public static IfMatch parse(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (value.equals("*")) {
            return new IfMatch(true, List.of());
        }
        List<Long> versions = new ArrayList<>();
        for (String tag : value.split(",", -1)) {
            String trimmed = tag.trim();
            if (trimmed.startsWith("W/\"") && trimmed.endsWith("\"")) {
                continue; // a weak tag: listed, but it matches nothing
            }
            if (trimmed.length() < 3 || !trimmed.startsWith("\"") || !trimmed.endsWith("\"")
                    || !trimmed.substring(1, trimmed.length() - 1).matches("[1-9][0-9]{0,17}")) {
                throw ApiException.badRequest(List.of(new FieldProblem(HEADER, "must be * or entity tags from "
                        + "the webhook's ETag header, e.g. \"7\"; got " + abbreviated(trimmed))));
            }
            versions.add(Long.parseLong(trimmed.substring(1, trimmed.length() - 1)));
        }
        return new IfMatch(false, List.copyOf(versions));
    }

    public boolean matches(long version) {
        return any || versions.contains(version);
    }

    /** For a 412: what the request expected. */
    String expected() {
        return any ? "*" : String.join(", ", versions.stream().map(IfMatch::etag).toList());
    }

    private static String abbreviated(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
