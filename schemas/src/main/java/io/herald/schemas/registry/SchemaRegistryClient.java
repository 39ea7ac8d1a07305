package io.herald.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent Schema Registry REST API, the part Herald's serdes and tools use: register a schema
 * under a subject, find a schema by id, read and set the global compatibility level. Works with Confluent Schema
 * Registry, Karapace, Redpanda and Apicurio's {@code /apis/ccompat/v7}.
 *
 * <p>Ids and schemas are cached for the client's life (a registered schema's id never changes). A request that
 * finds the registry unavailable (no connection, timeout, 5xx, 429) is tried again a few times with growing pauses,
 * then fails with {@link RegistryUnavailableException}; a refusal (401, 403, 409, 422) fails at once with {@link
 * SchemaRegistryException}. Safe for concurrent use.
 */
public final class SchemaRegistryClient {

    /** The media type of the Confluent API. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_ATTEMPTS = 4;
    static final Duration DEFAULT_FIRST_PAUSE = Duration.ofMillis(250);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryEndpoint endpoint;
    private final Duration requestTimeout;
    private final int attempts;
    private final Duration firstPause;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Object> registering = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, String schema) {
    }

    public SchemaRegistryClient(RegistryEndpoint endpoint) {
        this(endpoint, DEFAULT_REQUEST_TIMEOUT, DEFAULT_ATTEMPTS, DEFAULT_FIRST_PAUSE);
    }

    /**
     * @param requestTimeout how long one request may take
     * @param attempts how many times a request is tried while the registry is unavailable (at least 1)
     * @param firstPause the pause before the second attempt; each later pause doubles
     */
    public SchemaRegistryClient(RegistryEndpoint endpoint, Duration requestTimeout, int attempts,
            Duration firstPause) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        this.endpoint = endpoint;
        this.requestTimeout = requestTimeout;
        this.attempts = attempts;
        this.firstPause = firstPause;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    public RegistryEndpoint endpoint() {
        return endpoint;
    }

    /**
     * The id of {@code schema} under {@code subject}, registering it when it is new there. A registry that refuses
     * registration (a producer with read-only credentials, where schemas are registered by a pipeline) is asked
     * whether the subject already holds the schema.
     *
     * @throws SchemaRegistryException when the registry refuses the schema (incompatible, invalid, not allowed)
     */
    public int register(String subject, Schema schema) {
        String text = schema.toString();
        SubjectSchema key = new SubjectSchema(subject, text);
        Integer known = ids.get(key);
        if (known != null) {
            return known;
        }
        // One registration per schema at a time: threads of one process need not race each other at the registry.
        synchronized (registering.computeIfAbsent(key, k -> new Object())) {
            known = ids.get(key);
            if (known != null) {
                return known;
            }
            int id = registerNow(subject, text);
            ids.put(key, id);
            schemas.putIfAbsent(id, schema);
            return id;
        }
    }

    private int registerNow(String subject, String text) {
        String body = JSON.createObjectNode().put("schema", text).toString();
        String subjectPath = "/subjects/" + pathSegment(subject);
        Answer answer = send("registering the schema of " + subject, "POST", subjectPath + "/versions", body);
        if (answer.status() == 401 || answer.status() == 403 || answer.status() == 409) {
            // Not allowed to register, or a conflict (incompatible, or another process registering the same
            // subject at the same moment, which Apicurio answers 409): the subject may hold the schema already.
            Answer found = send("looking up the schema of " + subject, "POST", subjectPath, body);
            if (found.ok()) {
                answer = found;
            } else if (answer.status() == 409) {
                answer = send("registering the schema of " + subject, "POST", subjectPath + "/versions", body);
            }
        }
        if (!answer.ok()) {
            throw refusal(answer, answer.status() == 409
                    ? "the registry refused the schema of " + subject + " as incompatible with its earlier versions"
                    : "the registry did not register the schema of " + subject);
        }
        int id = answer.json().path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("the registry at " + endpoint.url() + " answered registering "
                    + subject + " without an id", answer.status());
        }
        return id;
    }

    /**
     * The schema the registry holds under {@code id}.
     *
     * @throws SchemaRegistryException when it holds none, or one that is not Avro
     */
    public Schema schemaById(int id) {
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        Answer answer = send("fetching schema " + id, "GET", "/schemas/ids/" + id, null);
        if (!answer.ok()) {
            throw refusal(answer, answer.status() == 404 ? "the registry holds no schema with id " + id
                    : "the registry did not give schema " + id);
        }
        String type = answer.json().path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException("schema " + id + " is " + type + ", not Avro", answer.status());
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(answer.json().path("schema").asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("schema " + id + " does not parse as Avro: " + e.getMessage(),
                    answer.status(), e);
        }
        Schema raced = schemas.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    /** The registry's global compatibility level (BACKWARD, FULL, NONE...), or empty when it has none. */
    public Optional<String> compatibility() {
        Answer answer = send("reading the compatibility level", "GET", "/config", null);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (!answer.ok()) {
            throw refusal(answer, "the registry did not give its compatibility level");
        }
        JsonNode json = answer.json();
        // Confluent answers compatibilityLevel; some servers answer compatibility, as the request spells it.
        String level = json.path("compatibilityLevel").asText(json.path("compatibility").asText(""));
        return level.isEmpty() ? Optional.empty() : Optional.of(level);
    }

    /** Sets the registry's global compatibility level; the same level again changes nothing. */
    public void setCompatibility(String level) {
        String body = JSON.createObjectNode().put("compatibility", level).toString();
        Answer answer = send("setting the compatibility level", "PUT", "/config", body);
        if (!answer.ok()) {
            throw refusal(answer, "the registry did not take compatibility level " + level);
        }
    }

    /**
     * Asks the registry something small (its compatibility level): returns normally when it answers and accepts the
     * credentials.
     *
     * @throws SchemaRegistryException when it refuses the credentials; {@link RegistryUnavailableException} when
     *         it does not answer
     */
    public void check() {
        Answer answer = sendOnce("GET", "/config", null);
        if (answer.unavailable()) {
            throw unavailable("checking the registry", answer);
        }
        if (answer.status() == 404) {
            // Every Confluent-compatible registry answers GET /config; a 404 is a URL that names something else
            // (Apicurio's root or its own v2 API, say).
            throw new SchemaRegistryException("no Confluent Schema Registry API at " + endpoint.url()
                    + " (GET /config answered HTTP 404); for Apicurio the URL ends in /apis/ccompat/v7", 404);
        }
        if (!answer.ok()) {
            throw refusal(answer, "the registry refused a check");
        }
    }

    private Answer send(String what, String method, String path, String body) {
        Duration pause = firstPause;
        Answer answer = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            answer = sendOnce(method, path, body);
            if (!answer.unavailable()) {
                return answer;
            }
            if (attempt < attempts) {
                sleep(pause);
                pause = pause.multipliedBy(2);
            }
        }
        throw unavailable(what, answer);
    }

    private Answer sendOnce(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.url() + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        endpoint.authorization().ifPresent(value -> request.header("Authorization", value));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), null);
        } catch (IOException e) {
            return new Answer(0, "", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while talking to the registry at " + endpoint.url(),
                    0, e);
        }
    }

    private RegistryUnavailableException unavailable(String what, Answer answer) {
        String why = answer.failure() != null
                ? "can't be reached (" + describe(answer.failure()) + ")"
                : "answered HTTP " + answer.status() + answer.message();
        return new RegistryUnavailableException(what + " failed: the schema registry at " + endpoint.url() + " "
                + why + (attempts > 1 ? ", " + attempts + " times" : ""), answer.status(), answer.failure());
    }

    private SchemaRegistryException refusal(Answer answer, String what) {
        if (answer.status() == 401 || answer.status() == 403) {
            String refused = endpoint.authorization().isPresent() ? endpoint.authentication()
                    : "a request without credentials";
            return new SchemaRegistryException("the schema registry at " + endpoint.url() + " refused " + refused
                    + " (HTTP " + answer.status() + answer.message() + ")", answer.status());
        }
        return new SchemaRegistryException(what + " (HTTP " + answer.status() + answer.message() + ")",
                answer.status());
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static String pathSegment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while waiting for the registry", 0, e);
        }
    }

    /** One answer of the registry; status 0 with a failure when there was none. */
    private record Answer(int status, String body, IOException failure) {

        boolean ok() {
            return status / 100 == 2;
        }

        boolean unavailable() {
            return failure != null || status == 408 || status == 429 || status / 100 == 5;
        }

        JsonNode json() {
            try {
                return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            } catch (IOException e) {
                return JSON.createObjectNode();
            }
        }

        /** The registry's own message (Confluent's {@code message} field), short, prefixed for a message. */
        String message() {
            String message = json().path("message").asText("");
            if (message.isEmpty()) {
                return "";
            }
            return ": " + (message.length() > 300 ? message.substring(0, 300) + "…" : message);
        }
    }
}
