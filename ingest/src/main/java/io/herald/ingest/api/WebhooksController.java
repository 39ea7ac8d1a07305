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
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** The tenant-scoped webhook management API. Every call needs an API key of the tenant or an operator key. */
@Controller("/t/{tenant}/api/v1/webhooks")
@ExecuteOn(TaskExecutors.BLOCKING) // reads sync with Kafka and writes wait for acknowledgements
public class WebhooksController {

    private final WebhookService webhooks;
    private final WebhookTester tester;
    private final ApiAuthenticator authenticator;
    private final JsonBodies bodies;

    public WebhooksController(WebhookService webhooks, WebhookTester tester, ApiAuthenticator authenticator,
            JsonBodies bodies) {
        this.webhooks = webhooks;
        this.tester = tester;
        this.authenticator = authenticator;
        this.bodies = bodies;
    }

    @Post
    public HttpResponse<CreatedWebhookView> createWebhook(HttpRequest<?> request, @PathVariable String tenant,
            @Nullable @Body JsonNode body) {
        Caller caller = authorize(request, tenant);
        return HttpResponse.created(webhooks.create(caller, tenant, bodies.readRequired(body, WebhookInput.class)));
    }

    @Get("{?limit,after,active,eventType}")
    public WebhookPage listWebhooks(HttpRequest<?> request, @PathVariable String tenant,
            @Nullable @QueryValue String limit, @Nullable @QueryValue String after,
            @Nullable @QueryValue String active, @Nullable @QueryValue String eventType) {
        authorize(request, tenant);
        return webhooks.list(tenant, QueryValues.pageSize(limit, 20), after, QueryValues.flag("active", active),
                eventType);
    }

    @Get("/{id}")
    public WebhookView getWebhook(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id) {
        authorize(request, tenant);
        return webhooks.get(tenant, id);
    }

    @Put("/{id}")
    public WebhookView replaceWebhook(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Nullable @Body JsonNode body) {
        Caller caller = authorize(request, tenant);
        return webhooks.replace(caller, tenant, id, bodies.readRequired(body, WebhookInput.class));
    }

    @Patch("/{id}")
    public WebhookView patchWebhook(HttpRequest<?> request, @PathVariable String tenant, @PathVariable String id,
            @Nullable @Body JsonNode body) {
        Caller caller = authorize(request, tenant);
        return webhooks.patch(caller, tenant, id, bodies.readRequired(body, WebhookInput.class));
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
            @Nullable @Body JsonNode body) {
        authorize(request, tenant);
        ApiResponses.TestRequest test = bodies.read(body, ApiResponses.TestRequest.class);
        return tester.test(webhooks.subscription(tenant, id), test == null ? null : test.eventType());
    }

    private Caller authorize(HttpRequest<?> request, String tenant) {
        return authenticator.authorize(request, tenant);
    }
}
