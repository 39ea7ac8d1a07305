package io.herald.ingest.api;

import io.herald.ingest.api.ApiResponses.CreatedWebhookView;
import io.herald.ingest.api.ApiResponses.SecretView;
import io.herald.ingest.api.ApiResponses.WebhookPage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** The tenant-scoped webhook management API. Every call needs an API key of the tenant or an operator key. */
@Controller("/t/{tenant}/api/v1/webhooks")
@ExecuteOn(TaskExecutors.BLOCKING) // reads sync with Kafka and writes wait for acknowledgements
public class WebhooksController {

    private final WebhookService webhooks;
    private final WebhookTester tester;
    private final ApiAuthenticator authenticator;

    public WebhooksController(WebhookService webhooks, WebhookTester tester, ApiAuthenticator authenticator) {
        this.webhooks = webhooks;
        this.tester = tester;
        this.authenticator = authenticator;
    }

    @Post
    public HttpResponse<CreatedWebhookView> createWebhook(HttpRequest<?> request, @PathVariable String tenant,
            @Body WebhookInput input) {
        Caller caller = authorize(request, tenant);
        return HttpResponse.created(webhooks.create(caller, tenant, input));
    }

    @Get("{?limit,after,active,eventType}")
    public WebhookPage listWebhooks(HttpRequest<?> request, @PathVariable String tenant,
            @Nullable @QueryValue Integer limit, @Nullable @QueryValue String after,
            @Nullable @QueryValue Boolean active, @Nullable @QueryValue String eventType) {
        authorize(request, tenant);
        return webhooks.list(tenant, limit == null ? 20 : limit, after, active, eventType);
    }

    @Get("/{id}")
    public WebhookView getWebhook(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id) {
        authorize(request, tenant);
        return webhooks.get(tenant, id);
    }

    @Put("/{id}")
    public WebhookView replaceWebhook(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Body WebhookInput input) {
        return webhooks.replace(authorize(request, tenant), tenant, id, input);
    }

    @Patch("/{id}")
    public WebhookView patchWebhook(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Body WebhookInput input) {
        return webhooks.patch(authorize(request, tenant), tenant, id, input);
    }

    @Delete("/{id}")
    public HttpResponse<Void> deleteWebhook(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id) {
        webhooks.delete(authorize(request, tenant), tenant, id);
        return HttpResponse.noContent();
    }

    @Post("/{id}/secret/reveal")
    public SecretView revealSecret(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id) {
        return webhooks.reveal(authorize(request, tenant), tenant, id);
    }

    @Post("/{id}/secret/rotate")
    public SecretView rotateSecret(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id) {
        return webhooks.rotate(authorize(request, tenant), tenant, id);
    }

    /** Sends a synthetic, signed event to the webhook now and reports what its endpoint answered. */
    @Post("/{id}/test")
    public ApiResponses.TestResult testWebhook(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Nullable @Body ApiResponses.TestRequest body) {
        authorize(request, tenant);
        return tester.test(webhooks.subscription(tenant, id), body == null ? null : body.eventType());
    }

    private Caller authorize(HttpRequest<?> request, String tenant) {
        return authenticator.authorize(request, tenant);
    }
}
