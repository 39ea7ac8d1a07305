package io.herald.schemas;

import java.util.regex.Pattern;

/** Tenant slugs: lower-case letters, digits and inner hyphens, 1 to 63 characters (a DNS label). */
public final class Tenants {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private Tenants() {
    }

    public static boolean isValid(String tenant) {
        return tenant != null && SLUG.matcher(tenant).matches();
    }
}
