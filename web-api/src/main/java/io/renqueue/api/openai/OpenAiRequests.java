package io.renqueue.api.openai;

import io.renqueue.submission.FieldError;
import io.renqueue.submission.InvalidSubmissionException;
import io.renqueue.submission.Submission;
import io.renqueue.submission.SubmissionParser;
import io.renqueue.tasks.Tenants;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * What every /v1 call does with its request: the tenant from {@code X-Tenant}, the body read and
 * bounded, the priority from the body or {@code X-Priority}, and Ren-Queue's own validation.
 * Failures are OpenAI errors.
 */
final class OpenAiRequests {

  private static final SubmissionParser PARSER = new SubmissionParser();

  private OpenAiRequests() {}

  static String tenant(String header) {
    return Tenants.resolve(header)
        .orElseThrow(
            () ->
                new OpenAiError(
                    400,
                    "invalid_request_error",
                    "The X-Tenant header is not a valid tenant id: " + Tenants.describeRule(),
                    null,
                    null));
  }

  /** The request with {@code X-Priority} as its priority, unless the body names one. */
  static JsonObject withPriority(JsonObject request, String header) {
    if (header == null || request.containsKey("priority")) {
      return request;
    }
    return Json.createObjectBuilder(request)
        .add("priority", header.trim().toLowerCase(Locale.ROOT))
        .build();
  }

  static Submission parse(JsonObject request) {
    try {
      return PARSER.parse(request.toString());
    } catch (InvalidSubmissionException e) {
      throw invalid(e.getMessage(), e.errors());
    }
  }

  static JsonObject read(InputStream body) {
    byte[] bytes;
    try {
      bytes = body.readNBytes(SubmissionParser.MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new OpenAiError(
          400, "invalid_request_error", "The request body could not be read.", null, null);
    }
    if (bytes.length > SubmissionParser.MAX_BODY_BYTES) {
      throw new OpenAiError(
          413,
          "invalid_request_error",
          "The request is larger than " + SubmissionParser.MAX_BODY_BYTES + " bytes.",
          null,
          "request_too_large");
    }
    try (var reader =
        Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
      return reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new OpenAiError(
          400, "invalid_request_error", "The request body must be a JSON object.", null, null);
    }
  }

  static OpenAiError invalid(String message, List<FieldError> errors) {
    String detail =
        errors.isEmpty()
            ? message
            : message + " " + errors.stream().map(f -> f.field() + ": " + f.message()).toList();
    return new OpenAiError(
        400,
        "invalid_request_error",
        detail,
        errors.isEmpty() ? null : errors.get(0).field(),
        null);
  }
}
