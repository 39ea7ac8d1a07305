package io.herald.schemas.registry;

import java.net.URI;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.nio.charset.StandardCharsets;

/**
 * Where a schema registry speaking the Confluent Schema Registry REST API is (Confluent Schema Registry, Karapace,
 * Redpanda, Apicurio's {@code /apis/ccompat/v7}), and the credentials to send it: HTTP basic auth or a bearer
 * token, or none. The credentials never appear in {@link #toString()}.
 *
 * @param url the API's base URL, e.g. {@code http://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7}
 * @param username basic-auth user, or null
 * @param password basic-auth password, or null
 * @param bearerToken bearer token, or null
 */
public record RegistryEndpoint(String url, String username, String password, String bearerToken) {

    /** Confluent's serde setting for the registry URL, also read by Herald's serdes configured by Kafka. */
    public static final String URL_CONFIG = "schema.registry.url";
    /** Confluent's basic-auth setting, {@code user:password}. */
    public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";
    /** Confluent's static bearer token setting. */
    public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";

    public RegistryEndpoint {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the schema registry URL is required");
        }
        url = url.trim().replaceAll("/+$", "");
        URI parsed;
        try {
            parsed = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the schema registry URL is not a URL: " + url);
        }
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
            throw new IllegalArgumentException("the schema registry URL must be http(s)://host[:port][/path], got "
                    + url);
        }
        if (parsed.getUserInfo() != null) {
            throw new IllegalArgumentException("the schema registry URL must not carry credentials; give them as "
                    + "username and password");
        }
        username = blankToNull(username);
        password = blankToNull(password);
        bearerToken = blankToNull(bearerToken);
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("registry basic auth needs both a username and a password");
        }
        if (username != null && bearerToken != null) {
            throw new IllegalArgumentException("give the registry basic-auth credentials or a bearer token, not both");
        }
        if (username != null && username.contains(":")) {
            throw new IllegalArgumentException("a registry basic-auth username cannot contain ':'");
        }
    }

    /** A registry that asks for no credentials. */
    public static RegistryEndpoint of(String url) {
        return new RegistryEndpoint(url, null, null, null);
    }

    public RegistryEndpoint withBasicAuth(String username, String password) {
        return new RegistryEndpoint(url, username, password, null);
    }

    public RegistryEndpoint withBearerToken(String token) {
        return new RegistryEndpoint(url, null, null, token);
    }

    /**
     * The endpoint named by Confluent-style serde settings: {@value #URL_CONFIG}, and {@value
     * #BASIC_AUTH_USER_INFO_CONFIG} or {@value #BEARER_AUTH_TOKEN_CONFIG}; so a Kafka client configured for
     * Confluent's serdes can use Herald's.
     */
    public static RegistryEndpoint fromConfig(Map<String, ?> configs) {
        Object url = configs.get(URL_CONFIG);
        if (url == null) {
            throw new IllegalArgumentException(URL_CONFIG + " is required");
        }
        RegistryEndpoint endpoint = of(firstUrl(url));
        Object userInfo = configs.get(BASIC_AUTH_USER_INFO_CONFIG);
        Object token = configs.get(BEARER_AUTH_TOKEN_CONFIG);
        if (userInfo != null && !userInfo.toString().isBlank()) {
            String text = secretText(userInfo);
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(BASIC_AUTH_USER_INFO_CONFIG + " must be user:password");
            }
            return endpoint.withBasicAuth(text.substring(0, colon), text.substring(colon + 1));
        }
        return token == null ? endpoint : endpoint.withBearerToken(secretText(token));
    }

    /** The value of the {@code Authorization} header, when there are credentials. */
    public Optional<String> authorization() {
        if (username != null) {
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.ofNullable(bearerToken).map(token -> "Bearer " + token);
    }

    /** How this endpoint authenticates, for messages: never the secret itself. */
    public String authentication() {
        if (username != null) {
            return "basic auth as " + username;
        }
        return bearerToken != null ? "a bearer token" : "no credentials";
    }

    @Override
    public String toString() {
        return url + " (" + authentication() + ")";
    }

    private static String firstUrl(Object url) {
        // Confluent takes a comma-separated list; Herald talks to the first (a load balancer fronts the rest).
        String text = url instanceof java.util.List<?> list && !list.isEmpty() ? list.get(0).toString()
                : url.toString();
        return text.split(",")[0];
    }

    private static String secretText(Object value) {
        return value instanceof org.apache.kafka.common.config.types.Password password ? password.value()
                : value.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
