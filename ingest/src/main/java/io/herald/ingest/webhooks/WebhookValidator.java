package io.herald.ingest.webhooks;

import io.herald.ingest.http.FieldProblem;
import io.herald.schemas.catalog.EventCatalog;
import io.herald.schemas.catalog.EventFilter;
import io.herald.runtime.config.RetryDelays;
import io.herald.runtime.egress.ForbiddenAddresses;
import io.herald.signatures.WebhookSecrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Checks a webhook draft and names every invalid field with the reason; stores nothing. */
final class WebhookValidator {

    static final int MAX_TIMEOUT_MS = 60_000;
    static final int MAX_RATE_PER_SECOND = 10_000;
    private static final int MAX_HEADERS = 20;
    private static final int MAX_FILTERS = 100;
    /** Unknown filters of one request that get closest-name suggestions; the rest are only named. */
    private static final int MAX_SUGGESTED = 5;
    /** Event type names are far shorter; longer text is no typo and gets no suggestion. */
    private static final int MAX_SUGGESTED_LENGTH = 100;
    private static final int MAX_QUERY_PARAMETERS = 20;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
    private static final Set<String> RESERVED_HEADERS = Set.of("webhook-id", "webhook-timestamp",
            "webhook-signature", "x-herald-signature", "x-herald-event", "x-herald-attempt", "content-type",
            "content-length", "host", "authorization", "user-agent", "connection", "transfer-encoding");

    private final boolean allowHttp;
    private final ForbiddenAddresses destinations;

    WebhookValidator(boolean allowHttp, ForbiddenAddresses destinations) {
        this.allowHttp = allowHttp;
        this.destinations = destinations;
    }

    List<FieldProblem> problems(WebhookDraft draft) {
        List<FieldProblem> problems = new ArrayList<>();
        text(problems, "name", draft.name(), 100, true);
        text(problems, "description", draft.description(), 500, false);
        url(problems, draft.url());
        eventTypes(problems, draft.eventTypes());
        if (draft.secret() != null && !WebhookSecrets.isValid(draft.secret())) {
            problems.add(new FieldProblem("secret", "must be whsec_ followed by the base64 of 24 to 64 bytes"));
        }
        auth(problems, draft.auth());
        headers(problems, draft.headers());
        queryParameters(problems, draft.queryParameters());
        range(problems, "timeoutMs", draft.timeoutMs(), MAX_TIMEOUT_MS);
        range(problems, "rateLimitPerSecond", draft.rateLimitPerSecond(), MAX_RATE_PER_SECOND);
        retrySchedule(problems, draft.retrySchedule());
        return problems;
    }

    private void url(List<FieldProblem> problems, String url) {
        if (url == null || url.isBlank()) {
            problems.add(new FieldProblem("url", "is required"));
            return;
        }
        if (url.length() > 2048) {
            problems.add(new FieldProblem("url", "must be at most 2048 characters"));
            return;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            problems.add(new FieldProblem("url", "is not a valid URL: " + e.getReason()));
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            problems.add(new FieldProblem("url", allowHttp ? "must use http or https" : "must use https"));
        } else if (uri.getHost() == null) {
            problems.add(new FieldProblem("url", "has no valid host"));
        } else if (uri.getUserInfo() != null) {
            problems.add(new FieldProblem("url", "must not carry credentials; use auth instead"));
        } else if (uri.getFragment() != null) {
            problems.add(new FieldProblem("url", "must not have a fragment"));
        } else {
            destinations.reasonToRefuseHost(uri.getHost())
                    .ifPresent(reason -> problems.add(new FieldProblem("url", "is not allowed: " + reason)));
        }
    }

    private static void eventTypes(List<FieldProblem> problems, List<String> eventTypes) {
        if (eventTypes == null || eventTypes.isEmpty()) {
            problems.add(new FieldProblem("eventTypes", "needs at least one event type, family.* wildcard or *"));
            return;
        }
        if (eventTypes.size() > MAX_FILTERS) {
            problems.add(new FieldProblem("eventTypes", "must list at most " + MAX_FILTERS + " filters, not "
                    + eventTypes.size()));
            return; // the entries of a list that long are not looked at one by one
        }
        int suggested = 0;
        for (int i = 0; i < eventTypes.size(); i++) {
            String filter = eventTypes.get(i);
            if (!EventFilter.isValid(filter)) {
                // Suggestions cost a distance per catalog entry: a few are enough to fix typos.
                problems.add(new FieldProblem("eventTypes[" + i + "]", suggested++ < MAX_SUGGESTED
                        ? unknownFilterMessage(filter) : notAFilter(filter)));
            }
        }
    }

    private static String notAFilter(String filter) {
        String shown = filter == null ? "null" : filter.length() <= MAX_SUGGESTED_LENGTH ? filter
                : filter.substring(0, MAX_SUGGESTED_LENGTH) + "...";
        return "'" + shown + "' is not an event type, a family wildcard (such as user.*) or *";
    }

    /** Names the closest valid filters, so a typo is fixed at once (for names of a plausible length). */
    static String unknownFilterMessage(String filter) {
        if (filter == null || filter.length() > MAX_SUGGESTED_LENGTH) {
            return notAFilter(filter);
        }
        String given = filter;
        List<String> candidates = Stream.concat(EventCatalog.get().names().stream(),
                EventCatalog.get().families().stream().map(f -> f + ".*")).toList();
        List<String> closest = candidates.stream()
                .sorted(Comparator.comparingInt((String c) -> distance(given, c)).thenComparing(c -> c))
                .limit(3)
                .toList();
        return notAFilter(given) + "; closest: " + String.join(", ", closest);
    }

    private static void auth(List<FieldProblem> problems, WebhookInput.AuthInput auth) {
        if (auth == null) {
            return;
        }
        String type = auth.type() == null ? "" : auth.type();
        switch (type) {
            case "none" -> { }
            case "bearer" -> {
                if (auth.token() == null || auth.token().isBlank() || auth.token().length() > 4096
                        || hasLineBreak(auth.token())) {
                    problems.add(new FieldProblem("auth.token", "is required for bearer auth: 1 to 4096 characters, "
                            + "no line breaks"));
                }
            }
            case "basic" -> {
                if (auth.username() == null || auth.username().isBlank() || auth.username().contains(":")
                        || hasLineBreak(auth.username())) {
                    problems.add(new FieldProblem("auth.username", "is required for basic auth, without ':'"));
                }
                if (auth.password() == null || auth.password().isEmpty() || hasLineBreak(auth.password())) {
                    problems.add(new FieldProblem("auth.password", "is required for basic auth"));
                }
            }
            default -> problems.add(new FieldProblem("auth.type", "must be none, bearer or basic"));
        }
    }

    private static void headers(List<FieldProblem> problems, Map<String, String> headers) {
        if (headers.size() > MAX_HEADERS) {
            problems.add(new FieldProblem("headers", "must have at most " + MAX_HEADERS + " entries"));
        }
        headers.forEach((name, value) -> {
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add(new FieldProblem("headers." + name, "is not a valid header name"));
            } else if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                problems.add(new FieldProblem("headers." + name, "is set by Herald and cannot be replaced"));
            } else if (value == null || value.length() > 1024 || hasLineBreak(value)) {
                problems.add(new FieldProblem("headers." + name, "needs a value of at most 1024 characters, "
                        + "no line breaks"));
            }
        });
    }

    private static void queryParameters(List<FieldProblem> problems, Map<String, String> parameters) {
        if (parameters.size() > MAX_QUERY_PARAMETERS) {
            problems.add(new FieldProblem("queryParameters", "must have at most " + MAX_QUERY_PARAMETERS
                    + " entries"));
        }
        parameters.forEach((name, value) -> {
            if (name.isEmpty() || name.length() > 100 || value == null || value.length() > 1024) {
                problems.add(new FieldProblem("queryParameters." + name,
                        "needs a name of 1 to 100 characters and a value of at most 1024"));
            }
        });
    }

    /** Empty: the deployment's default schedule. Else the rules of {@code herald.deliverer.retry.schedule}. */
    private static void retrySchedule(List<FieldProblem> problems, List<String> schedule) {
        if (schedule.isEmpty()) {
            return;
        }
        if (schedule.size() > RetryDelays.MAX_RETRIES) { // not parsed one by one when that long
            problems.add(new FieldProblem("retrySchedule", "must have 1 to " + RetryDelays.MAX_RETRIES + " delays"));
            return;
        }
        try {
            RetryDelays.problem(RetryDelays.parse(schedule))
                    .ifPresent(problem -> problems.add(new FieldProblem("retrySchedule", problem)));
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("retrySchedule", e.getMessage()));
        }
    }

    private static void text(List<FieldProblem> problems, String field, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                problems.add(new FieldProblem(field, "is required"));
            }
        } else if (value.length() > max) {
            problems.add(new FieldProblem(field, "must be at most " + max + " characters"));
        }
    }

    private static void range(List<FieldProblem> problems, String field, Integer value, int max) {
        if (value != null && (value < 1 || value > max)) {
            problems.add(new FieldProblem(field, "must be between 1 and " + max));
        }
    }

    private static boolean hasLineBreak(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0;
    }

    /** Levenshtein distance, for suggestions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
