package io.herald.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Map;
import java.net.http.HttpResponse;

/** Calls the management API as a tenant's tool would: JSON in, JSON out, a bearer key. */
final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI base;

    ApiClient(URI base) {
        this.base = base;
    }

    record Reply(int status, JsonNode body) {
    }

    /** @param key the API key, or null to send none; @param body serialized as JSON, or null for none */
    Reply call(String method, String path, String key, Object body) throws Exception {
        return send(method, path, key, body == null ? null : JSON.writeValueAsString(body));
    }

    /** As {@link #call(String, String, String, Object)}, with extra request headers. */
    Reply call(String method, String path, String key, Object body, Map<String, String> headers) throws Exception {
        return send(method, path, key, body == null ? null : JSON.writeValueAsString(body), headers);
    }

    /** A call without a body. */
    Reply call(String method, String path, String key) throws Exception {
        return call(method, path, key, null);
    }

    /** @param body sent as it is */
    Reply send(String method, String path, String key, String body) throws Exception {
        return send(method, path, key, body, Map.of());
    }

    private Reply send(String method, String path, String key, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        return new Reply(response.statusCode(), json);
    }
}
