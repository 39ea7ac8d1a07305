package io.herald.ingest.http;

import io.micronaut.serde.annotation.Serdeable;

/** One invalid field of a request and why, e.g. {@code url}: "must use https". */
@Serdeable
public record FieldProblem(String field, String problem) {
}
