package io.herald.deliverer;

import io.herald.schemas.delivery.Delivery;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

/**
 * POSTs deliveries with Micronaut's Netty-based client: asynchronous, keep-alive connection pools per host, many
 * requests in flight, redirects not followed (a 3xx is a failure). Never throws: every outcome, including timeouts
 * and refused connections, comes back as an {@link HttpOutcome}.
 */
final class WebhookSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    static final int RESPONSE_EXCERPT_CHARS = 1024;
    private static final int MAX_RESPONSE_BYTES = 256 * 1024;

    private final HttpClient client;
    private final Duration defaultTimeout;
    private final Clock clock;

    WebhookSender(DelivererConfig config, Clock clock) {
        DefaultHttpClientConfiguration http = new DefaultHttpClientConfiguration();
        http.setExceptionOnErrorStatus(false);
        http.setFollowRedirects(false);
        http.setConnectTimeout(config.connectTimeout());
        http.setReadTimeout(Duration.ofMinutes(2)); // the per-webhook timeout below is the one that applies
        http.setMaxContentLength(MAX_RESPONSE_BYTES);
        this.client = HttpClient.create(null, http);
        // A connection error that arrives after our timeout already gave up is expected, not worth an ERROR log.
        Hooks.onErrorDropped(error -> LOG.debug("Error after the attempt was already decided: {}", error.toString()));
        this.defaultTimeout = config.defaultTimeout();
        this.clock = clock;
    }

    CompletableFuture<HttpOutcome> send(Endpoint endpoint, Delivery delivery) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        Duration timeout = endpoint.timeout().orElse(defaultTimeout);
        CompletableFuture<HttpOutcome> outcome = new CompletableFuture<>();
        try {
            MutableHttpRequest<String> request = WebhookRequests.build(endpoint, delivery, started);
            Mono.from(client.exchange(request, byte[].class))
                    .timeout(timeout)
                    .subscribe(
                            response -> outcome.complete(response(started, startNanos, response)),
                            error -> outcome.complete(error instanceof HttpClientResponseException answered
                                    ? response(started, startNanos, answered.getResponse())
                                    : failure(started, startNanos, error, timeout)),
                            () -> outcome.complete(failure(started, startNanos,
                                    new IllegalStateException("no response"), timeout)));
        } catch (RuntimeException e) {
            outcome.complete(failure(started, startNanos, e, timeout)); // e.g. a URL the client can't parse
        }
        return outcome;
    }

    private static HttpOutcome response(Instant started, long startNanos, HttpResponse<?> response) {
        String excerpt = response.getBody(byte[].class).map(WebhookSender::excerpt).orElse(null);
        return new HttpOutcome(started, elapsedMs(startNanos), response.code(), excerpt, null);
    }

    private static HttpOutcome failure(Instant started, long startNanos, Throwable error, Duration timeout) {
        return new HttpOutcome(started, elapsedMs(startNanos), null, null, describe(error, timeout));
    }

    /** A short, secret-free description of why no response arrived. */
    static String describe(Throwable error, Duration timeout) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof TimeoutException || cause instanceof ConnectException) {
                break;
            }
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException || error instanceof TimeoutException
                || String.valueOf(error.getMessage()).toLowerCase().contains("timeout")) {
            return "timed out after " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return "connection failed: " + cause.getMessage();
        }
        String message = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > RESPONSE_EXCERPT_CHARS ? text.substring(0, RESPONSE_EXCERPT_CHARS) : text;
    }

    private static long elapsedMs(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    @Override
    public void close() {
        client.close();
    }
}
