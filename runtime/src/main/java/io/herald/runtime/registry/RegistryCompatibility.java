package io.herald.runtime.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sets the registry's global compatibility rule to BACKWARD, the rule the build checks Herald's own schemas
 * against: a consumer with the new schema must read every record written with the previous one. With the rule in
 * place the registry refuses an incompatible schema from any producer, so SIEM consumers never meet one.
 * Speaks the Apicurio v2 API that {@code herald.registry.url} points at.
 */
public final class RegistryCompatibility {

    public static final String LEVEL = "BACKWARD";
    private static final String RULE = "{\"type\":\"COMPATIBILITY\",\"config\":\"" + LEVEL + "\"}";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private RegistryCompatibility() {
    }

    /**
     * Creates or updates the global rule; safe to run again.
     *
     * @throws IllegalStateException when the registry refuses or can't be reached
     */
    public static void requireBackward(String registryUrl) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpResponse<String> created = send(http, HttpRequest.newBuilder(URI.create(registryUrl + "/admin/rules"))
                .POST(HttpRequest.BodyPublishers.ofString(RULE)));
        if (created.statusCode() == 409) { // the rule exists: make sure it says BACKWARD
            created = send(http, HttpRequest.newBuilder(URI.create(registryUrl + "/admin/rules/COMPATIBILITY"))
                    .PUT(HttpRequest.BodyPublishers.ofString(RULE)));
        }
        if (created.statusCode() / 100 != 2) {
            throw new IllegalStateException("setting the registry's compatibility rule at " + registryUrl
                    + " failed: HTTP " + created.statusCode() + " " + created.body());
        }
    }

    /** The registry's global compatibility level, or null when it has none. */
    public static String currentLevel(String registryUrl) {
        HttpResponse<String> rule = send(HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(registryUrl + "/admin/rules/COMPATIBILITY")).GET());
        if (rule.statusCode() == 404) {
            return null;
        }
        if (rule.statusCode() == 200) {
            try (JsonParser json = new JsonFactory().createParser(rule.body())) {
                while (json.nextToken() != null) {
                    if (json.currentToken() == JsonToken.FIELD_NAME && "config".equals(json.currentName())) {
                        json.nextToken();
                        return json.getText();
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("unreadable answer from the registry: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("unexpected answer from the registry: HTTP " + rule.statusCode());
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        try {
            return http.send(request.header("Content-Type", "application/json").timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the registry can't be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to the registry", e);
        }
    }
}
