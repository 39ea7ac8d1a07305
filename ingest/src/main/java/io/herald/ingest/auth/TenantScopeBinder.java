package io.herald.ingest.auth;

import io.herald.ingest.config.IngestSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Binds {@link TenantScope} arguments: authenticates the caller's API key and checks it may act for the path's
 * {@code {tenant}}, once per request, before the route runs. A missing or unknown key is a 401; a key of another
 * tenant is a 404, as if the tenant didn't exist; a tenant over its request rate is a 429 ({@link TenantRateLimits}).
 */
@Singleton
@Requires(env = IngestSettings.ENVIRONMENT)
final class TenantScopeBinder implements TypedRequestArgumentBinder<TenantScope> {

    private static final Argument<TenantScope> TYPE = Argument.of(TenantScope.class);
    private static final String EVENTS_PATH = "/api/v1/events";

    private final ApiAuthenticator authenticator;
    private final TenantRateLimits limits;

    TenantScopeBinder(ApiAuthenticator authenticator, TenantRateLimits limits) {
        this.authenticator = authenticator;
        this.limits = limits;
    }

    @Override
    public Argument<TenantScope> argumentType() {
        return TYPE;
    }

    @Override
    public BindingResult<TenantScope> bind(ArgumentConversionContext<TenantScope> context, HttpRequest<?> request) {
        String tenant = RouteAttributes.getRouteMatch(request).map(RouteMatch::getVariableValues)
                .map(variables -> variables.get("tenant")).map(Object::toString)
                .orElseThrow(() -> new IllegalStateException("TenantScope on a route without {tenant}: "
                        + request.getPath()));
        Caller caller = authenticator.authorize(request, tenant);
        // Counted once the caller is known: requests without a valid credential spend no tenant's budget.
        limits.take(caller, tenant, request.getPath().endsWith(EVENTS_PATH)
                ? TenantRateLimits.Budget.EVENTS : TenantRateLimits.Budget.API);
        TenantScope scope = new TenantScope(tenant, caller);
        return () -> Optional.of(scope);
    }
}
