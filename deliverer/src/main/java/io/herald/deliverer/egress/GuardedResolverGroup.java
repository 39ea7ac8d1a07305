package io.herald.deliverer.egress;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Netty's name resolution for the webhook HTTP client, routed through the {@link EgressGuard}: the address Netty
 * connects to is the one the guard checked. Lookups block like Netty's default resolver does.
 */
public final class GuardedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    /** The Micronaut bean name the HTTP client configuration refers to. */
    public static final String BEAN_NAME = "herald-egress";

    private final EgressGuard guard;

    public GuardedResolverGroup(EgressGuard guard) {
        this.guard = guard;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new GuardedNameResolver(executor, guard).asAddressResolver();
    }

    private static final class GuardedNameResolver extends InetNameResolver {

        private final EgressGuard guard;

        GuardedNameResolver(EventExecutor executor, EgressGuard guard) {
            super(executor);
            this.guard = guard;
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) {
            try {
                promise.setSuccess(guard.resolveChecked(host));
            } catch (EgressRefusedException e) {
                promise.setFailure(e);
            }
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            try {
                promise.setSuccess(List.of(guard.resolveChecked(host)));
            } catch (EgressRefusedException e) {
                promise.setFailure(e);
            }
        }
    }
}
