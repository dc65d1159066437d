package io.renqueue.api.problems;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.StringReader;

/** A request body that must be a JSON object; anything else is a 400 malformed-json problem. */
public final class JsonBody {

  private JsonBody() {}

  public static JsonObject object(String body) {
    try (var reader = Json.createReader(new StringReader(body == null ? "" : body))) {
      return reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new ProblemException(ProblemType.MALFORMED_JSON, "The body must be a JSON object.");
    }
  }
}
