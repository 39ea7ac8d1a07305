package io.herald.ingest.auth;

/**
 * Who is calling: a tenant's API key or token, or an operator key valid for every tenant.
 *
 * @param tenant the tenant the credential belongs to, or null for an operator
 * @param keyName the credential's name, recorded as the actor in the audit log
 * @param scope what it may do; operator keys are always admin
 */
public record Caller(String tenant, String keyName, KeyScope scope) {

    /** A caller with every right of its tenant (the configured keys). */
    public Caller(String tenant, String keyName) {
        this(tenant, keyName, KeyScope.ADMIN);
    }

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
