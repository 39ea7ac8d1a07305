package io.herald.ingest.webhooks;

import io.herald.ingest.auth.TenantScope;
import io.herald.ingest.http.JsonBodies;
import io.herald.ingest.http.QueryValues;
import io.herald.ingest.webhooks.WebhookResponses.CreatedWebhookView;
import io.herald.ingest.webhooks.WebhookResponses.SecretView;
import io.herald.ingest.webhooks.WebhookResponses.WebhookPage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * The tenant-scoped webhook management API. Every call needs an API key of the tenant or an operator key. A
 * webhook's {@code ETag} is its version; PUT, PATCH, DELETE and a rotation honour {@code If-Match} (412 when the
 * webhook changed since), and without it are still made to the latest version, never over a change unseen.
 */
@Controller("/t/{tenant}/api/v1/webhooks")
@ExecuteOn(TaskExecutors.BLOCKING) // reads sync with Kafka and writes wait for acknowledgements
public class WebhooksController {

    private static final String ETAG = "ETag";

    private final WebhookService webhooks;
    private final WebhookTester tester;
    private final JsonBodies bodies;

    public WebhooksController(WebhookService webhooks, WebhookTester tester, JsonBodies bodies) {
        this.webhooks = webhooks;
        this.tester = tester;
        this.bodies = bodies;
    }

    @Post
    public HttpResponse<CreatedWebhookView> createWebhook(@Parameter(hidden = true) TenantScope scope,
            @Nullable @Body JsonNode body) {
        CreatedWebhookView created = webhooks.create(scope.caller(), scope.tenant(),
                bodies.readRequired(body, WebhookInput.class));
        return HttpResponse.created(created).header(ETAG, IfMatch.etag(created.webhook().version()));
    }

    @Get("{?limit,after,active,eventType}")
    public WebhookPage listWebhooks(@Parameter(hidden = true) TenantScope scope,
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100"))
            @Nullable @QueryValue String limit, @Nullable @QueryValue String after,
            @Parameter(schema = @Schema(type = "boolean")) @Nullable @QueryValue String active,
            @Nullable @QueryValue String eventType) {
        return webhooks.list(scope.tenant(), QueryValues.pageSize(limit, 20), after, QueryValues.flag("active", active),
                eventType);
    }

    @Get("/{id}")
    public HttpResponse<WebhookView> getWebhook(@Parameter(hidden = true) TenantScope scope,
            @PathVariable String id) {
        return tagged(webhooks.get(scope.tenant(), id));
    }

    @Put("/{id}")
    public HttpResponse<WebhookView> replaceWebhook(@Parameter(hidden = true) TenantScope scope,
            @PathVariable String id, @Nullable @Header(IfMatch.HEADER) String ifMatch,
            @Nullable @Body JsonNode body) {
        IfMatch precondition = IfMatch.parse(ifMatch);
        return tagged(webhooks.replace(scope.caller(), scope.tenant(), id,
                bodies.readRequired(body, WebhookInput.class), precondition));
    }

    @Patch("/{id}")
    public HttpResponse<WebhookView> patchWebhook(@Parameter(hidden = true) TenantScope scope,
            @PathVariable String id, @Nullable @Header(IfMatch.HEADER) String ifMatch,
            @Nullable @Body JsonNode body) {
        IfMatch precondition = IfMatch.parse(ifMatch);
        return tagged(webhooks.patch(scope.caller(), scope.tenant(), id,
                bodies.readRequired(body, WebhookInput.class), precondition));
    }

    @Delete("/{id}")
    public HttpResponse<Void> deleteWebhook(@Parameter(hidden = true) TenantScope scope, @PathVariable String id,
            @Nullable @Header(IfMatch.HEADER) String ifMatch) {
        webhooks.delete(scope.caller(), scope.tenant(), id, IfMatch.parse(ifMatch));
        return HttpResponse.noContent();
    }

    @Post("/{id}/secret/reveal")
    public SecretView revealSecret(@Parameter(hidden = true) TenantScope scope, @PathVariable String id) {
        return webhooks.reveal(scope.caller(), scope.tenant(), id);
    }

    @Post("/{id}/secret/rotate")
    public HttpResponse<SecretView> rotateSecret(@Parameter(hidden = true) TenantScope scope, @PathVariable String id,
            @Nullable @Header(IfMatch.HEADER) String ifMatch) {
        WebhookService.RotatedSecret rotated = webhooks.rotate(scope.caller(), scope.tenant(), id,
                IfMatch.parse(ifMatch));
        return HttpResponse.ok(rotated.secrets()).header(ETAG, IfMatch.etag(rotated.version()));
    }

    private static HttpResponse<WebhookView> tagged(WebhookView webhook) {
        return HttpResponse.ok(webhook).header(ETAG, IfMatch.etag(webhook.version()));
    }

    /** Sends a synthetic, signed event to the webhook now and reports what its endpoint answered. */
    @Post("/{id}/test")
    public WebhookResponses.TestResult testWebhook(@Parameter(hidden = true) TenantScope scope, @PathVariable String id,
            @Nullable @Body JsonNode body) {
        WebhookResponses.TestRequest test = bodies.read(body, WebhookResponses.TestRequest.class);
        return tester.test(webhooks.stored(scope.tenant(), id), test == null ? null : test.eventType());
    }
}
