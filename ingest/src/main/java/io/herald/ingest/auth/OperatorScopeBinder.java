package io.herald.ingest.auth;

import io.herald.ingest.config.IngestSettings;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Binds {@link OperatorScope} arguments: a missing or unknown credential is a 401, a tenant's a 403. */
@Singleton
@Requires(env = IngestSettings.ENVIRONMENT)
final class OperatorScopeBinder implements TypedRequestArgumentBinder<OperatorScope> {

    private static final Argument<OperatorScope> TYPE = Argument.of(OperatorScope.class);

    private final ApiAuthenticator authenticator;

    OperatorScopeBinder(ApiAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Argument<OperatorScope> argumentType() {
        return TYPE;
    }

    @Override
    public BindingResult<OperatorScope> bind(ArgumentConversionContext<OperatorScope> context,
            HttpRequest<?> request) {
        OperatorScope scope = new OperatorScope(authenticator.authorizeOperator(request));
        return () -> Optional.of(scope);
    }
}
