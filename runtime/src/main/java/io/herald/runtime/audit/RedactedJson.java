package io.herald.runtime.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.herald.schemas.webhook.BasicAuth;
import io.herald.schemas.webhook.BearerTokenAuth;
import io.herald.schemas.webhook.Webhook;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/** A webhook as JSON for the audit log: every setting, but no secret, token or password, not even encrypted. */
public final class RedactedJson {

    private static final JsonFactory JSON = new JsonFactory();

    private RedactedJson() {
    }

    public static String of(Webhook s) {
        if (s == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", s.getId());
            json.writeStringField("name", s.getName());
            json.writeStringField("description", s.getDescription());
            json.writeStringField("url", s.getUrl());
            json.writeArrayFieldStart("eventTypes");
            for (String type : s.getEventTypes()) {
                json.writeString(type);
            }
            json.writeEndArray();
            json.writeBooleanField("active", s.getActive());
            json.writeStringField("disabledReason", s.getDisabledReason());
            if (s.getDisabledAt() != null) {
                json.writeStringField("disabledAt", s.getDisabledAt().toString());
            }
            Object auth = s.getAuth();
            json.writeStringField("auth", auth instanceof BearerTokenAuth ? "bearer"
                    : auth instanceof BasicAuth basic ? "basic:" + basic.getUsername() : "none");
            map(json, "headers", s.getHeaders());
            map(json, "queryParameters", s.getQueryParameters());
            if (s.getTimeoutMs() != null) {
                json.writeNumberField("timeoutMs", s.getTimeoutMs());
            }
            if (s.getRateLimitPerSecond() != null) {
                json.writeNumberField("rateLimitPerSecond", s.getRateLimitPerSecond());
            }
            json.writeBooleanField("heraldSignature", s.getHeraldSignature());
            json.writeBooleanField("ed25519", s.getAsymmetricKey() != null);
            json.writeNumberField("secrets", s.getSigningSecrets().size() + s.getRetiringSecrets().size());
            json.writeNumberField("version", s.getVersion());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON in memory cannot fail", e);
        }
        return out.toString();
    }

    private static void map(JsonGenerator json, String field, Map<String, String> values) throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, String> entry : new TreeMap<>(values).entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
    }
}
