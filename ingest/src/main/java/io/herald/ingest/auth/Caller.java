package io.herald.ingest.auth;

/**
 * Who is calling: a tenant's API key, or an operator key valid for every tenant.
 *
 * @param tenant the tenant the key belongs to, or null for an operator
 * @param keyName the key's name, recorded as the actor in the audit log
 */
public record Caller(String tenant, String keyName) {

    public boolean isOperator() {
        return tenant == null;
    }

    public boolean mayAccess(String requestedTenant) {
        return isOperator() || tenant.equals(requestedTenant);
    }

    /** The actor written to the audit log. */
    public String actor() {
        return isOperator() ? "operator:" + keyName : "key:" + keyName;
    }
}
