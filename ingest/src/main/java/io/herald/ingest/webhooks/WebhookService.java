package io.herald.ingest.webhooks;

import io.herald.ingest.auth.Caller;
import io.herald.ingest.http.ApiException;
import io.herald.ingest.http.FieldProblem;
import io.herald.ingest.config.IngestConfig;
import io.herald.ingest.webhooks.WebhookResponses.CreatedWebhookView;
import io.herald.ingest.webhooks.WebhookResponses.RetiringSecretView;
import io.herald.ingest.webhooks.WebhookResponses.SecretView;
import io.herald.ingest.webhooks.WebhookResponses.WebhookPage;
import io.herald.schemas.HeraldIds;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventFilter;
import io.herald.runtime.config.RetryDelays;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.runtime.security.SecretCipher;
import io.herald.runtime.security.UnknownSecretKeyException;
import io.herald.signatures.WebhookSecrets;
import io.herald.runtime.store.WebhookTable;
import io.herald.schemas.webhook.BasicAuth;
import io.herald.schemas.webhook.BearerTokenAuth;
import io.herald.schemas.webhook.RetiringSecret;
import io.herald.schemas.webhook.Webhook;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API's logic: reads webhooks from the local view of the herald.subscriptions topic (synced first, so a
 * caller sees its own writes), validates every change completely before writing anything, and writes through the
 * {@link WebhookStore} with an audit entry.
 */
@Singleton
public class WebhookService {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);
    private static final Duration READ_SYNC_TIMEOUT = Duration.ofSeconds(10);

    private final WebhookTable view;
    private final WebhookStore store;
    private final SecretCipher cipher;
    private final WebhookValidator validator;
    private final Duration rotationOverlap;
    private final Clock clock;

    public WebhookService(WebhookTable view, WebhookStore store, IngestConfig config,
            ForbiddenAddresses destinations, Clock clock) {
        this.view = view;
        this.store = store;
        this.cipher = config.secretCipher();
        this.validator = new WebhookValidator(config.allowHttp(), destinations);
        this.rotationOverlap = config.rotationOverlap();
        this.clock = clock;
    }

    public CreatedWebhookView create(Caller caller, String tenant, WebhookInput input) {
        WebhookDraft draft = draft(input, null);
        validate(draft);
        String id = HeraldIds.newWebhookId();
        String secret = draft.secret() != null ? draft.secret() : WebhookSecrets.generate();
        Instant now = clock.instant();
        Webhook created = build(Webhook.newBuilder()
                .setId(id).setTenant(tenant).setCreatedAt(now).setVersion(1)
                .setSigningSecrets(List.of(cipher.encrypt(secret, id))), draft, null, now);
        write(null, created, caller, "webhook.created");
        return new CreatedWebhookView(WebhookView.of(created, now), secret);
    }

    /** The stored webhook of a tenant, or 404. */
    public Webhook stored(String tenant, String id) {
        return existing(tenant, id);
    }

    public WebhookView get(String tenant, String id) {
        return WebhookView.of(existing(tenant, id), clock.instant());
    }

    /**
     * @param after the id of the last webhook of the previous page
     * @param active only active (true) or inactive (false) webhooks
     * @param eventType only webhooks that receive this event type
     */
    public WebhookPage list(String tenant, int limit, String after, Boolean active, String eventType) {
        if (eventType != null && EventCatalog.get().find(eventType).isEmpty()) {
            throw ApiException.badRequest(List.of(new FieldProblem("eventType",
                    WebhookValidator.unknownFilterMessage(eventType))));
        }
        view.awaitSynced(READ_SYNC_TIMEOUT);
        Instant now = clock.instant();
        List<Webhook> matching = view.ofTenant(tenant).stream()
                .sorted(Comparator.comparing(Webhook::getId)) // ids sort by creation time
                .filter(s -> after == null || s.getId().compareTo(after) > 0)
                .filter(s -> active == null || s.getActive() == active)
                .filter(s -> eventType == null || EventFilter.matches(s.getEventTypes(), eventType))
                .limit(limit + 1L)
                .toList();
        boolean more = matching.size() > limit;
        List<WebhookView> page = matching.stream().limit(limit).map(s -> WebhookView.of(s, now)).toList();
        return new WebhookPage(page, more ? page.get(page.size() - 1).id() : null);
    }

    /**
     * PUT: replaces every setting (secrets stay; rotate them with {@link #rotate}).
     *
     * @param precondition the request's If-Match, or null: the change is made to the latest version either way
     */
    public WebhookView replace(Caller caller, String tenant, String id, WebhookInput input, IfMatch precondition) {
        rejectSecret(input);
        WebhookDraft draft = draft(input, null);
        validate(draft);
        return update(caller, tenant, id, precondition, before -> draft);
    }

    /** PATCH: changes the settings present in the request, keeps the rest (of the latest version). */
    public WebhookView patch(Caller caller, String tenant, String id, WebhookInput input, IfMatch precondition) {
        rejectSecret(input);
        existing(tenant, id); // 404 before the body is judged against a webhook
        return update(caller, tenant, id, precondition, before -> {
            WebhookDraft draft = draft(input, before);
            validate(draft);
            return draft;
        });
    }

    public void delete(Caller caller, String tenant, String id, IfMatch precondition) {
        change(caller, tenant, id, precondition, before -> null, "webhook.deleted");
    }

    /** The secrets that currently sign; recorded in the audit log. */
    public SecretView reveal(Caller caller, String tenant, String id) {
        Webhook webhook = existing(tenant, id);
        SecretView secrets = secrets(webhook, clock.instant()); // nothing is audited as revealed that could not be
        try {
            store.audit(webhook, caller.actor(), "webhook.secret_revealed");
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
        return secrets;
    }

    /** Issues a new secret; the old one keeps signing for the configured overlap so receivers can switch. */
    public RotatedSecret rotate(Caller caller, String tenant, String id, IfMatch precondition) {
        String secret = WebhookSecrets.generate();
        var shown = new java.util.concurrent.atomic.AtomicReference<SecretView>();
        Webhook rotated = change(caller, tenant, id, precondition, before -> {
            Instant now = clock.instant();
            List<RetiringSecret> retiring = new ArrayList<>();
            before.getSigningSecrets().forEach(old -> retiring.add(new RetiringSecret(old, now.plus(rotationOverlap))));
            before.getRetiringSecrets().stream().filter(r -> r.getExpiresAt().isAfter(now)).forEach(retiring::add);
            Webhook after = Webhook.newBuilder(before)
                    .setSigningSecrets(List.of(cipher.encrypt(secret, id)))
                    .setRetiringSecrets(rotationOverlap.isZero() ? List.of() : retiring)
                    .setUpdatedAt(now)
                    .build();
            shown.set(secrets(after, now)); // before storing: a rotation must not be stored and then unshowable
            return after;
        }, "webhook.secret_rotated");
        return new RotatedSecret(shown.get(), rotated.getVersion());
    }

    /** A rotation's secrets, and the webhook's version after it (its new ETag). */
    public record RotatedSecret(SecretView secrets, long version) {
    }

    private WebhookView update(Caller caller, String tenant, String id, IfMatch precondition,
            java.util.function.Function<Webhook, WebhookDraft> draftOf) {
        Webhook after = change(caller, tenant, id, precondition,
                before -> build(Webhook.newBuilder(before), draftOf.apply(before), before, clock.instant()),
                "webhook.updated");
        return WebhookView.of(after, clock.instant());
    }

    private Webhook change(Caller caller, String tenant, String id, IfMatch precondition,
            java.util.function.UnaryOperator<Webhook> change, String action) {
        try {
            return store.update(view, tenant, id, precondition, change, caller.actor(), action);
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
    }

    private Webhook build(Webhook.Builder builder, WebhookDraft draft, Webhook before, Instant now) {
        String id = builder.getId();
        Object auth = draft.auth() == null ? (before == null ? null : before.getAuth()) : encryptAuth(draft.auth(), id);
        return builder
                .setName(draft.name())
                .setDescription(draft.description() == null || draft.description().isBlank() ? null
                        : draft.description())
                .setUrl(draft.url())
                .setEventTypes(List.copyOf(draft.eventTypes()))
                .setActive(draft.active())
                .setDisabledReason(draft.active() ? null : stillDisabled(before)
                        ? before.getDisabledReason() : "disabled through the API")
                .setDisabledAt(draft.active() ? null : stillDisabled(before) ? before.getDisabledAt() : now)
                .setAuth(auth)
                .setHeaders(draft.headers())
                .setQueryParameters(draft.queryParameters())
                .setTimeoutMs(draft.timeoutMs())
                .setRateLimitPerSecond(draft.rateLimitPerSecond())
                .setRetryDelaysMs(RetryDelays.parse(draft.retrySchedule()).stream().map(Duration::toMillis).toList())
                .setHeraldSignature(draft.heraldSignature())
                .setAsymmetricKey(!draft.ed25519() ? null
                        : before != null && before.getAsymmetricKey() != null ? before.getAsymmetricKey()
                        : store.newAsymmetricKey(id))
                .setRetiringSecrets(before == null ? List.of() : before.getRetiringSecrets().stream()
                        .filter(r -> r.getExpiresAt().isAfter(now)).toList())
                .setUpdatedAt(now)
                .build();
    }

    private static boolean stillDisabled(Webhook before) {
        return before != null && !before.getActive();
    }

    private Object encryptAuth(WebhookInput.AuthInput auth, String webhookId) {
        return switch (auth.type()) {
            case "bearer" -> new BearerTokenAuth(cipher.encrypt(auth.token(), webhookId));
            case "basic" -> new BasicAuth(auth.username(), cipher.encrypt(auth.password(), webhookId));
            default -> null;
        };
    }

    /** The request merged into {@code base} (PATCH), or taken whole with defaults when base is null. */
    private static WebhookDraft draft(WebhookInput in, Webhook base) {
        boolean patch = base != null;
        WebhookInput.SigningInput signing = in.signing();
        return new WebhookDraft(
                pick(in.name(), patch ? base.getName() : null),
                pick(in.description(), patch ? base.getDescription() : null),
                pick(in.url(), patch ? base.getUrl() : null),
                pick(in.eventTypes(), patch ? base.getEventTypes() : null),
                pick(in.active(), patch ? base.getActive() : Boolean.TRUE),
                in.secret(),
                in.auth(),
                pick(in.headers(), patch ? base.getHeaders() : Map.of()),
                pick(in.queryParameters(), patch ? base.getQueryParameters() : Map.of()),
                pick(in.timeoutMs(), patch ? base.getTimeoutMs() : null),
                pick(in.rateLimitPerSecond(), patch ? base.getRateLimitPerSecond() : null),
                pick(in.retrySchedule(), patch ? WebhookView.retrySchedule(base) : List.of()),
                pick(signing == null ? null : signing.ed25519(), patch ? base.getAsymmetricKey() != null : false),
                pick(signing == null ? null : signing.heraldSignature(), patch ? base.getHeraldSignature() : true));
    }

    private static <T> T pick(T given, T otherwise) {
        return given != null ? given : otherwise;
    }

    private void validate(WebhookDraft draft) {
        List<FieldProblem> problems = validator.problems(draft);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
    }

    private static void rejectSecret(WebhookInput input) {
        if (input.secret() != null) {
            throw ApiException.invalid(List.of(new FieldProblem("secret",
                    "cannot be changed here; use POST .../secret/rotate")));
        }
    }

    private Webhook existing(String tenant, String id) {
        view.awaitSynced(READ_SYNC_TIMEOUT);
        return view.find(id).filter(s -> s.getTenant().equals(tenant))
                .orElseThrow(() -> ApiException.notFound("webhook " + id));
    }

    private void write(Webhook before, Webhook after, Caller caller, String action) {
        try {
            store.write(before, after, caller.actor(), action);
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
    }

    private SecretView secrets(Webhook webhook, Instant now) {
        String id = webhook.getId();
        try {
            List<RetiringSecretView> retiring = webhook.getRetiringSecrets().stream()
                    .filter(r -> r.getExpiresAt().isAfter(now))
                    .map(r -> new RetiringSecretView(cipher.decrypt(r.getSecret(), id), r.getExpiresAt()))
                    .toList();
            return new SecretView(cipher.decrypt(webhook.getSigningSecrets().get(0), id), retiring);
        } catch (UnknownSecretKeyException e) {
            LOG.error("Webhook {} of tenant {}: {}", id, webhook.getTenant(), e.getMessage());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "secret_key_unavailable", "this Herald instance "
                    + "lacks the key that encrypted the webhook's secret (key id '" + e.keyId() + "'); the operator "
                    + "must add it to herald.secrets.keys. Try again later or through another instance", List.of());
        }
    }

    private static ApiException unavailable(StoreUnavailableException e) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                "the change could not be stored; nothing was written, try again", List.of());
    }
}
