package io.renqueue.backends;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ContinuationTest {

  @Test
  void theBrokenOffTextGoesBackAsTheAssistantsOwnWordsFollowedByARequestToGoOn() {
    String request =
        "{\"model\":\"m\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"tell me\"}]}";
    String continued = Continuation.request(request, "Once upon a");
    try (var reader = Json.createReader(new StringReader(continued))) {
      var json = reader.readObject();
      JsonArray messages = json.getJsonArray("messages");
      assertThat(messages).hasSize(3);
      assertThat(messages.getJsonObject(1).getString("role")).isEqualTo("assistant");
      assertThat(messages.getJsonObject(1).getString("content")).isEqualTo("Once upon a");
      assertThat(messages.getJsonObject(2).getString("content"))
          .contains("exactly where it stopped");
      assertThat(json.getInt("max_tokens")).isEqualTo(50);
    }
  }
}
