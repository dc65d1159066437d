package io.renqueue.api.problems;

import io.renqueue.submission.FieldError;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code type} is a stable URN clients can switch on; {@code detail}
 * is for humans; {@code errors} lists per-field validation failures.
 */
public record Problem(ProblemType type, String detail, List<FieldError> errors) {

  public Problem(ProblemType type, String detail) {
    this(type, detail, List.of());
  }

  public int status() {
    return type.status();
  }

  public JsonObject toJson(String instance) {
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("type", type.uri())
            .add("title", type.title())
            .add("status", type.status())
            .add("detail", detail);
    if (instance != null) {
      b.add("instance", instance);
    }
    if (!errors.isEmpty()) {
      var list = Json.createArrayBuilder();
      for (FieldError e : errors) {
        list.add(Json.createObjectBuilder().add("field", e.field()).add("message", e.message()));
      }
      b.add("errors", list);
    }
    return b.build();
  }
}
