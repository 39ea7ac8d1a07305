package io.herald.ingest.http;

import io.herald.ingest.ops.IngestOperations;
import io.micronaut.http.BasicHttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/** Times every request to the API, rejected ones included, for {@link IngestOperations#request}. */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class ApiRequestMetrics {

    private static final String STARTED = ApiRequestMetrics.class.getName() + ".started";

    private final IngestOperations operations;

    ApiRequestMetrics(IngestOperations operations) {
        this.operations = operations;
    }

    @RequestFilter
    void start(HttpRequest<?> request) {
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    void record(HttpRequest<?> request, MutableHttpResponse<?> response) {
        long started = request.getAttribute(STARTED, Long.class).orElseGet(System::nanoTime);
        // Unmatched paths share one series: a scan of random URLs must not create one each.
        String route = BasicHttpAttributes.getUriTemplate(request).orElse("unmatched");
        operations.request(route, request.getMethodName(), response.code(), System.nanoTime() - started);
    }
}
