package io.renqueue.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import io.renqueue.submission.FieldError;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemTest {

  @Test
  void rendersRfc9457FieldsWithStableTypeAndFieldErrors() {
    JsonObject json =
        new Problem(
                ProblemType.INVALID_REQUEST,
                "bad",
                List.of(new FieldError("messages", "is required")))
            .toJson("/api/v1/tasks");

    assertThat(json.getString("type")).isEqualTo("urn:renqueue:problem:invalid-request");
    assertThat(json.getString("title")).isEqualTo("Invalid request");
    assertThat(json.getInt("status")).isEqualTo(400);
    assertThat(json.getString("detail")).isEqualTo("bad");
    assertThat(json.getString("instance")).isEqualTo("/api/v1/tasks");
    assertThat(json.getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("messages");
  }

  @Test
  void runtimeStatusesMapToTheirProblemTypes() {
    assertThat(ProblemType.forStatus(404)).isEqualTo(ProblemType.NOT_FOUND);
    assertThat(ProblemType.forStatus(415)).isEqualTo(ProblemType.UNSUPPORTED_MEDIA_TYPE);
    assertThat(ProblemType.forStatus(418)).isEqualTo(ProblemType.BAD_REQUEST);
    assertThat(ProblemType.forStatus(502)).isEqualTo(ProblemType.INTERNAL_ERROR);
  }
}
