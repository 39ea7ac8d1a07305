package io.herald.ingest.auth;

import java.util.Arrays;
import java.util.Optional;

/** What a tenant credential may do: everything, or read. */
public enum KeyScope {
    ADMIN("admin"),
    READ_ONLY("read-only");

    private final String wireName;

    KeyScope(String wireName) {
        this.wireName = wireName;
    }

    /** As the API and the {@code herald.api-keys} topic spell it. */
    public String wireName() {
        return wireName;
    }

    public static Optional<KeyScope> parse(String text) {
        return Arrays.stream(values()).filter(scope -> scope.wireName.equals(text)).findFirst();
    }

    /** Whether a request with this HTTP method only reads. */
    public static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }
}
