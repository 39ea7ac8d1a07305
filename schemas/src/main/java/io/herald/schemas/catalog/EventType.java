package io.herald.schemas.catalog;

import io.herald.schemas.Topics;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * One entry of the event catalog: a dotted type name such as {@code auth.login.success}, the Avro record of its
 * data, and where it travels.
 *
 * @param name dotted type name
 * @param description one sentence, from the schema's doc
 * @param dataSchema Avro schema of the event's data
 * @param dataClass generated class of the event's data
 * @param subjectField data field whose value orders the event (record key {@code tenant:subject})
 */
public record EventType(
        String name,
        String description,
        Schema dataSchema,
        Class<? extends SpecificRecord> dataClass,
        String subjectField) {

    public EventType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataSchema, "dataSchema");
        Objects.requireNonNull(dataClass, "dataClass");
        Objects.requireNonNull(subjectField, "subjectField");
    }

    /** The family: the part of the name before the first dot ({@code auth}, {@code user}, ...). */
    public String family() {
        return name.substring(0, name.indexOf('.'));
    }

    /** Whether only Herald itself emits events of this type (the {@code herald} family); IAM services may not. */
    public boolean emittedByHerald() {
        return family().equals("herald");
    }

    /** The topic events of this type are published to. */
    public String topic() {
        return Topics.topicForFamily(family())
                .orElseThrow(() -> new IllegalStateException("no topic for family " + family()));
    }

    /** Names of the data fields, in schema order. */
    public List<String> dataFields() {
        return dataSchema.getFields().stream().map(Schema.Field::name).toList();
    }
}
