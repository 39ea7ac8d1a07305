package io.herald.schemas;

import io.herald.schemas.event.IamEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The CloudEvents Kafka protocol binding's headers (binary mode) of an event record, so that tools can route and
 * filter events without decoding them: {@code ce_specversion}, {@code ce_id}, {@code ce_type}, {@code ce_source}
 * ({@code /tenants/<tenant>}, plus {@code /services/<source>} when the event names its producer),
 * {@code ce_time}, {@code ce_subject} (the subject the key orders by) and the extension {@code ce_tenant}.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String TENANT = "ce_tenant";

    private CloudEventHeaders() {
    }

    /** The headers of a valid event's record. */
    public static Headers of(IamEvent event) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, SPEC_VERSION, "1.0");
        add(headers, ID, event.getId());
        add(headers, TYPE, event.getType());
        add(headers, SOURCE, "/tenants/" + event.getTenant()
                + (event.getSource() == null ? "" : "/services/" + event.getSource()));
        add(headers, TIME, event.getTimestamp().toString());
        String key = IamEvents.key(event);
        if (key.length() > event.getTenant().length()) {
            add(headers, SUBJECT, key.substring(event.getTenant().length() + 1));
        }
        add(headers, TENANT, event.getTenant());
        return headers;
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
