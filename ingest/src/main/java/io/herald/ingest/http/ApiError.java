package io.herald.ingest.http;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** The JSON body of every error: {@code {"error": code, "message": ..., "fields": [{field, problem}]}}. */
@Serdeable
public record ApiError(String error, String message, List<FieldProblem> fields) {
}
