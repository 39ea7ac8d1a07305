package io.herald.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests the shared {@link HeraldInfrastructure}: started on first use, once per test JVM, and
 * closed when the JVM's test run ends (JUnit closes it from the root store). Use with
 * {@code @ExtendWith(HeraldInfrastructureExtension.class)} and a {@code HeraldInfrastructure} parameter; tests
 * keep apart by using their own tenants, webhook ids and consumer groups.
 */
public final class HeraldInfrastructureExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(HeraldInfrastructureExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == HeraldInfrastructure.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("infrastructure", key -> {
                    HeraldInfrastructure infrastructure = HeraldInfrastructure.start();
                    // A registry that already holds other teams' schemas, so ids differ from Apicurio's global ids.
                    infrastructure.registry().seedUnrelatedSchemas();
                    return infrastructure;
                }, HeraldInfrastructure.class);
    }
}
