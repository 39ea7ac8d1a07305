package io.herald.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.Error;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiErrorResponsesTest {

    private static Error error(String message, String path) {
        return new Error() {
            @Override
            public String getMessage() {
                return message;
            }

            @Override
            public Optional<String> getPath() {
                return Optional.ofNullable(path);
            }
        };
    }

    @Test
    void aServerErrorNeverShowsItsExceptionText() {
        ApiError body = ApiErrorResponses.body(HttpStatus.INTERNAL_SERVER_ERROR,
                List.of(error("Internal Server Error: long overflow", null)));

        assertThat(body.error()).isEqualTo("internal_error");
        assertThat(body.message()).doesNotContain("overflow").contains("was logged");
        assertThat(body.fields()).isEmpty();
    }

    @Test
    void frameworkClientErrorsGetHeraldsCodesAndNameTheArgument() {
        assertThat(ApiErrorResponses.body(HttpStatus.NOT_FOUND, List.of(error("Page Not Found", null))))
                .isEqualTo(new ApiError("not_found", "Page Not Found", List.of()));
        assertThat(ApiErrorResponses.body(HttpStatus.METHOD_NOT_ALLOWED, List.of()).error())
                .isEqualTo("method_not_allowed");
        assertThat(ApiErrorResponses.body(HttpStatus.UNSUPPORTED_MEDIA_TYPE, List.of()).error())
                .isEqualTo("unsupported_media_type");
        assertThat(ApiErrorResponses.body(HttpStatus.REQUEST_ENTITY_TOO_LARGE, List.of()).error())
                .isEqualTo("request_too_large");
        assertThat(ApiErrorResponses.body(HttpStatus.BAD_REQUEST,
                List.of(error("Required Body [input] not specified", "/input"))).fields())
                .containsExactly(new FieldProblem("body", "Required Body [input] not specified"));
        assertThat(ApiErrorResponses.body(HttpStatus.BAD_GATEWAY, List.of()).error()).isEqualTo("internal_error");
    }
}
