package io.herald.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.herald.schemas.event.IamEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Renders an event as the webhook JSON body {@code {"id","type","timestamp","tenant","data"}}. Timestamps are
 * ISO-8601 UTC strings; optional fields that are absent are written as {@code null}, so every field of the
 * catalog is always present.
 */
public final class WebhookPayload {

    /**
     * The largest webhook body an event may have, in UTF-8 bytes (256 KiB). The body travels inside the delivery,
     * its retries and its dead letter, which must stay under Kafka's default record limit of 1 MiB; the event's
     * own Avro record is smaller than its body.
     */
    public static final int MAX_BYTES = 256 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    private WebhookPayload() {
    }

    /** Why a rendered body is too large to deliver, or empty when it fits {@link #MAX_BYTES}. */
    public static Optional<String> sizeProblem(String body) {
        if (body.length() <= MAX_BYTES / 3) {
            return Optional.empty(); // no UTF-16 char takes more than 3 UTF-8 bytes
        }
        long bytes = utf8Length(body);
        return bytes <= MAX_BYTES ? Optional.empty() : Optional.of("its webhook body would be " + bytes
                + " bytes; an event may be at most " + MAX_BYTES + " bytes (256 KiB) as JSON");
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    public static String render(IamEvent event) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", event.getId());
            json.writeStringField("type", event.getType());
            json.writeStringField("timestamp", event.getTimestamp().toString());
            json.writeStringField("tenant", event.getTenant());
            json.writeFieldName("data");
            IndexedRecord data = (IndexedRecord) event.getData();
            writeValue(json, data.getSchema(), data);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering an event to JSON in memory cannot fail", e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator json, Schema schema, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
            return;
        }
        switch (schema.getType()) {
            case UNION -> writeValue(json, nonNullBranch(schema, value), value);
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                json.writeStartObject();
                for (Schema.Field field : schema.getFields()) {
                    json.writeFieldName(field.name());
                    writeValue(json, field.schema(), record.get(field.pos()));
                }
                json.writeEndObject();
            }
            case ARRAY -> {
                json.writeStartArray();
                for (Object item : (Collection<?>) value) {
                    writeValue(json, schema.getElementType(), item);
                }
                json.writeEndArray();
            }
            case MAP -> {
                json.writeStartObject();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    json.writeFieldName(entry.getKey().toString());
                    writeValue(json, schema.getValueType(), entry.getValue());
                }
                json.writeEndObject();
            }
            case LONG -> {
                if (value instanceof Instant instant) {
                    json.writeString(instant.toString());
                } else {
                    json.writeNumber((Long) value);
                }
            }
            case INT -> json.writeNumber((Integer) value);
            case DOUBLE -> json.writeNumber((Double) value);
            case FLOAT -> json.writeNumber((Float) value);
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case BYTES -> json.writeString(Base64.getEncoder().encodeToString(toArray((ByteBuffer) value)));
            default -> json.writeString(value.toString()); // STRING, ENUM, FIXED
        }
    }

    private static Schema nonNullBranch(Schema union, Object value) {
        for (Schema branch : union.getTypes()) {
            if (branch.getType() != Schema.Type.NULL
                    && (branch.getType() != Schema.Type.RECORD
                        || ((IndexedRecord) value).getSchema().getFullName().equals(branch.getFullName()))) {
                return branch;
            }
        }
        throw new IllegalArgumentException("no branch of " + union + " fits " + value.getClass());
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
