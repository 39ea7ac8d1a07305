package io.herald.deliverer;

import io.herald.deliverer.egress.EgressGuard;
import io.herald.deliverer.egress.EgressProxy;
import io.herald.deliverer.egress.EgressRefusedException;
import io.herald.deliverer.egress.GuardedResolverGroup;
import io.herald.schemas.delivery.Delivery;
import io.micronaut.context.ApplicationContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.micronaut.core.io.buffer.ByteArrayBufferFactory;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.stream.AvailableByteArrayBody;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.LoadBalancer;
import io.micronaut.http.client.RawHttpClient;
import io.micronaut.http.client.netty.DefaultNettyHttpClientRegistry;
import io.micronaut.http.ssl.ClientSslConfiguration;
import io.micronaut.http.ssl.SslConfiguration;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.AddressResolverGroup;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * POSTs deliveries with Micronaut's Netty-based client: asynchronous, keep-alive connection pools per host, many
 * requests in flight, redirects not followed (a 3xx is a failure). Every destination passes the
 * {@link EgressGuard}; response bodies are read up to {@link #MAX_RESPONSE_BYTES} and then dropped. Never throws:
 * every outcome, including timeouts, refusals and refused connections, comes back as an {@link HttpOutcome}.
 */
final class WebhookSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    static final int RESPONSE_EXCERPT_BYTES = 1024;
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    static final int MAX_RESPONSE_HEADER_BYTES = 16 * 1024;
    static final int MAX_RESPONSE_HEADERS = 100;

    private final ApplicationContext context;
    private final RawHttpClient client;
    private final EgressGuard guard;
    private final Duration defaultTimeout;
    private final Clock clock;
    private final Optional<EgressProxy> proxy;
    private final EventLoopGroup eventLoops;

    WebhookSender(DelivererConfig config, EgressGuard guard, Clock clock) {
        this.guard = guard;
        this.defaultTimeout = config.defaultTimeout();
        this.clock = clock;
        // Micronaut lets a client use a custom Netty resolver only through a named bean of an application context.
        // Native epoll on Linux (x86-64 and arm64): less CPU per request than NIO; NIO everywhere else.
        this.context = ApplicationContext.builder().deduceEnvironment(false)
                .properties(Map.of("micronaut.netty.event-loops.default.prefer-native-transport", true))
                .start();
        context.registerSingleton(AddressResolverGroup.class, new GuardedResolverGroup(guard),
                Qualifiers.byName(GuardedResolverGroup.BEAN_NAME));
        DefaultHttpClientConfiguration http = new DefaultHttpClientConfiguration();
        http.setAddressResolverGroupName(GuardedResolverGroup.BEAN_NAME);
        http.setExceptionOnErrorStatus(false);
        http.setFollowRedirects(false);
        http.setConnectTimeout(config.connectTimeout());
        http.setReadTimeout(Duration.ofMinutes(2)); // the per-webhook timeout below is the one that applies
        http.setMaxHeaderSize(MAX_RESPONSE_HEADER_BYTES);
        config.trustStore().ifPresent(store -> http.setClientSslConfiguration(trusting(store)));
        config.egressProxy().ifPresent(http::setProxySelector);
        this.proxy = config.egressProxy();
        HttpClient httpClient = context.getBean(DefaultNettyHttpClientRegistry.class)
                .resolveClient(null, LoadBalancer.empty(), http, context);
        this.client = (RawHttpClient) httpClient;
        this.eventLoops = context.getBean(EventLoopGroupRegistry.class).getDefaultEventLoopGroup();
        // A connection error that arrives after our timeout already gave up is expected, not worth an ERROR log.
        Hooks.onErrorDropped(error -> LOG.debug("Error after the attempt was already decided: {}", error.toString()));
    }

    private static ClientSslConfiguration trusting(DelivererConfig.TrustStore store) {
        if (!java.nio.file.Files.isReadable(store.path())) {
            throw new io.herald.runtime.config.ConfigException("herald.deliverer.tls.trust-store: cannot read "
                    + store.path());
        }
        SslConfiguration.TrustStoreConfiguration trust = new SslConfiguration.TrustStoreConfiguration();
        trust.setPath("file:" + store.path().toAbsolutePath());
        trust.setType("PKCS12");
        trust.setPassword(store.password());
        ClientSslConfiguration ssl = new ClientSslConfiguration();
        ssl.setTrustStore(trust);
        return ssl;
    }

    /** The event loops the client's connections run on (native epoll on Linux). */
    EventLoopGroup eventLoops() {
        return eventLoops;
    }

    CompletableFuture<HttpOutcome> send(WebhookTarget target, Delivery delivery) {
        return send(target, delivery, Context.root());
    }

    /** Sends with {@code trace}'s context in the request's {@code traceparent} and {@code tracestate} headers. */
    CompletableFuture<HttpOutcome> send(WebhookTarget target, Delivery delivery, Context trace) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        Optional<String> refusal = refusalOf(target.url());
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(refused(started, startNanos, refusal.get()));
        }
        Duration timeout = target.timeout().orElse(defaultTimeout);
        CompletableFuture<HttpOutcome> outcome = new CompletableFuture<>();
        try {
            MutableHttpRequest<String> request = WebhookRequests.build(target, delivery, started);
            W3CTraceContextPropagator.getInstance().inject(trace, request, (r, name, value) -> r.header(name, value));
            byte[] body = delivery.getBody().getBytes(StandardCharsets.UTF_8);
            checkedThroughProxy(URI.create(target.url()).getHost())
                    .then(Mono.defer(() -> Mono.from(client.exchange(request,
                            AvailableByteArrayBody.create(ByteArrayBufferFactory.INSTANCE, body), null))))
                    .flatMap(response -> readCapped(response)
                            .map(excerpt -> answered(started, startNanos, response, excerpt.orElse(null))))
                    .timeout(timeout)
                    .subscribe(
                            outcome::complete,
                            error -> outcome.complete(failure(started, startNanos, error, timeout)),
                            () -> {
                                if (!outcome.isDone()) { // completion follows every answer: nothing to build then
                                    outcome.complete(failure(started, startNanos,
                                            new IllegalStateException("no response"), timeout));
                                }
                            });
        } catch (RuntimeException e) {
            outcome.complete(failure(started, startNanos, e, timeout)); // e.g. a URL the client can't parse
        }
        return outcome;
    }

    /**
     * Through a proxy, the proxy resolves the name, so the guarded resolver never sees it: resolve and check it
     * here first (off the event loop). The proxy should enforce its own egress rules as well.
     */
    private Mono<Void> checkedThroughProxy(String host) {
        if (proxy.isEmpty() || !proxy.get().proxies(host)) {
            return Mono.empty();
        }
        return Mono.fromCallable(() -> guard.resolveChecked(host)).subscribeOn(Schedulers.boundedElastic()).then();
    }

    private Optional<String> refusalOf(String url) {
        try {
            return guard.reasonToRefuse(URI.create(url));
        } catch (IllegalArgumentException e) {
            return Optional.of("URL is not valid");
        }
    }

    /** Reads at most MAX_RESPONSE_BYTES of the body, keeps the first bytes, then lets the connection go. */
    private static Mono<Optional<String>> readCapped(HttpResponse<?> response) {
        if (!(response instanceof ByteBodyHttpResponse<?> streamed)) {
            return Mono.just(Optional.empty());
        }
        ResponseExcerpt excerpt = new ResponseExcerpt(RESPONSE_EXCERPT_BYTES, MAX_RESPONSE_BYTES);
        return Flux.from(streamed.byteBody().toByteArrayPublisher())
                .takeUntil(excerpt::add)
                .then(Mono.fromSupplier(() -> Optional.ofNullable(excerpt.text())))
                .doFinally(signal -> streamed.close());
    }

    private static HttpOutcome answered(Instant started, long startNanos, HttpResponse<?> response, String excerpt) {
        int headers = response.getHeaders().names().size();
        if (headers > MAX_RESPONSE_HEADERS) {
            return HttpOutcome.answerOverLimits(started, elapsedMs(startNanos), response.code(), excerpt,
                    "response has " + headers + " headers, more than " + MAX_RESPONSE_HEADERS);
        }
        return HttpOutcome.answered(started, elapsedMs(startNanos), response.code(), excerpt,
                retryAfter(response.getHeaders().get("Retry-After"), started));
    }

    /** Retry-After as seconds or as an HTTP date; anything unreadable is ignored. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = java.time.ZonedDateTime.parse(value.trim(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (java.time.format.DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static HttpOutcome refused(Instant started, long startNanos, String reason) {
        return HttpOutcome.refused(started, elapsedMs(startNanos), reason);
    }

    private static HttpOutcome failure(Instant started, long startNanos, Throwable error, Duration timeout) {
        Optional<EgressRefusedException> refusal = causeOfType(error, EgressRefusedException.class);
        if (refusal.isPresent()) {
            return refused(started, startNanos, refusal.get().getMessage());
        }
        if (causeOfType(error, TimeoutException.class).isPresent()
                || String.valueOf(error.getMessage()).toLowerCase().contains("timeout")) {
            return HttpOutcome.timedOut(started, elapsedMs(startNanos), timeout);
        }
        return HttpOutcome.noAnswer(started, elapsedMs(startNanos), describe(error));
    }

    /** A short, secret-free description of why no answer arrived. */
    static String describe(Throwable error) {
        Optional<ConnectException> connect = causeOfType(error, ConnectException.class);
        if (connect.isPresent()) {
            return "connection failed: " + connect.get().getMessage();
        }
        String message = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    private static <T extends Throwable> Optional<T> causeOfType(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    private static long elapsedMs(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException e) {
            LOG.debug("Closing the HTTP client failed", e);
        }
        context.close();
    }
}
