package io.renqueue.api.tasks;

import io.renqueue.submission.InvalidSubmissionException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import java.io.StringReader;
import java.util.List;

/**
 * Tells a batch (a JSON array of tasks) from one task (an object) by its first character. One task
 * keeps its own limit of {@link io.renqueue.submission.SubmissionParser#MAX_BODY_BYTES}, which the
 * parser checks; only a batch may be larger.
 */
final class BatchBody {

  private BatchBody() {}

  static boolean isArray(String body) {
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '[';
      }
    }
    return false;
  }

  static JsonArray items(String body) throws InvalidSubmissionException {
    try (var reader = Json.createReader(new StringReader(body))) {
      return reader.readArray();
    } catch (JsonException | IllegalStateException e) {
      throw new InvalidSubmissionException(
          InvalidSubmissionException.Kind.MALFORMED_JSON,
          "The batch is not a valid JSON array: " + e.getMessage(),
          List.of());
    }
  }
}
