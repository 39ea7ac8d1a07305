package io.herald.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.schemas.webhook.Webhook;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TenantWebhooksTest {

    private final WebhookChanges changes = new WebhookChanges();
    private final List<String> loads = new ArrayList<>();
    private final Function<String, List<Webhook>> store = storeWith(1);

    /** A store where every tenant has {@code webhooks} active webhooks; records each tenant it is asked for. */
    private Function<String, List<Webhook>> storeWith(int webhooks) {
        return tenant -> {
            loads.add(tenant);
            return IntStream.range(0, webhooks)
                    .mapToObj(i -> RouterTopologyTest.webhook(tenant, List.of("*"), true)).toList();
        };
    }

    @Test
    void readsATenantOnceWhileTheStoreIsUnchanged() {
        TenantWebhooks cache = new TenantWebhooks(changes);

        List<Webhook> first = cache.of("acme", store);
        List<Webhook> second = cache.of("acme", store);
        cache.of("globex", store);

        assertThat(second).isSameAs(first);
        assertThat(loads).containsExactly("acme", "globex");
    }

    @Test
    void forgetsEveryTenantWhenTheStoreChanges() {
        TenantWebhooks cache = new TenantWebhooks(changes);
        cache.of("acme", store);
        cache.of("globex", store);

        changes.apply(() -> { });
        cache.of("acme", store);

        assertThat(loads).containsExactly("acme", "globex", "acme");
        assertThat(cache.tenants()).isEqualTo(1);
    }

    @Test
    void aReadThatRacedWithAChangeIsNotKept() {
        TenantWebhooks cache = new TenantWebhooks(changes);
        AtomicInteger reads = new AtomicInteger();
        // The store changes while the tenant is being read (the global thread writes between the two counts).
        Function<String, List<Webhook>> racing = tenant -> {
            if (reads.getAndIncrement() == 0) {
                changes.apply(() -> { });
            }
            return store.apply(tenant);
        };

        cache.of("acme", racing);
        cache.of("acme", racing);
        cache.of("acme", racing);

        assertThat(reads).hasValue(2); // read again after the race, then remembered
    }

    @Test
    void keepsTheMostRecentlyRoutedTenantsUpToItsLimitInWebhooks() {
        TenantWebhooks cache = new TenantWebhooks(changes, 4);
        Function<String, List<Webhook>> twoEach = storeWith(2);
        cache.of("acme", twoEach);
        cache.of("globex", twoEach);
        cache.of("acme", twoEach); // acme is now the most recent
        cache.of("initech", twoEach); // six webhooks: globex goes

        cache.of("acme", twoEach);
        cache.of("globex", twoEach); // initech goes

        assertThat(cache.tenants()).isEqualTo(2);
        assertThat(loads).containsExactly("acme", "globex", "initech", "globex");
    }

    @Test
    void aTenantWithMoreWebhooksThanTheLimitIsStillRemembered() {
        TenantWebhooks cache = new TenantWebhooks(changes, 1);
        Function<String, List<Webhook>> three = storeWith(3);

        cache.of("acme", three);
        cache.of("acme", three);
        cache.of("globex", store); // acme goes, globex stays alone

        assertThat(loads).containsExactly("acme", "globex");
        assertThat(cache.tenants()).isEqualTo(1);
    }

    @Test
    void aChangeInTheMiddleOfAWriteCountsTwice() {
        long before = changes.generation();
        long[] during = new long[1];

        changes.apply(() -> during[0] = changes.generation());

        assertThat(during[0]).isGreaterThan(before);
        assertThat(changes.generation()).isGreaterThan(during[0]);
    }
}
