package io.herald.ingest.auth;

import io.herald.schemas.Tenants;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API keys that may call the management API, configured as SHA-256 hashes so the configuration holds no key:
 * {@code tenant:name:sha256hex[,...]}, with {@code *} as the tenant for operator keys valid for every tenant.
 * A key's hash: {@code printf %s "$KEY" | sha256sum}.
 */
public final class ApiKeys {

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** What a key's name may be, configured or created at runtime: it is the audit log's actor. */
    public static final String NAME_RULE = "1-64 letters, digits, '_', '.' or '-'";

    private record Entry(String tenant, String name, byte[] hash) {
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @throws IllegalArgumentException naming the malformed entry by position (never echoing it) */
    public static ApiKeys parse(String spec) {
        List<Entry> entries = new ArrayList<>();
        String[] items = spec.split(",");
        for (int i = 0; i < items.length; i++) {
            String[] parts = items[i].trim().split(":");
            if (parts.length != 3 || !(parts[0].equals("*") || Tenants.isValid(parts[0]))
                    || !NAME.matcher(parts[1]).matches() || !HASH.matcher(parts[2].toLowerCase()).matches()) {
                throw new IllegalArgumentException("API key entry #" + (i + 1) + " must be tenant:name:sha256hex "
                        + "(tenant * for operators)");
            }
            entries.add(new Entry(parts[0].equals("*") ? null : parts[0], parts[1],
                    HexFormat.of().parseHex(parts[2].toLowerCase())));
        }
        return new ApiKeys(entries);
    }

    /** Whether a key name follows {@link #NAME_RULE}. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The SHA-256 hex of a key, as the configuration wants it. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** The caller a presented key belongs to; compared in constant time against every configured hash. */
    public Optional<Caller> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey.trim());
        Caller match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), presented) && match == null) {
                match = new Caller(entry.tenant(), entry.name());
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
