package io.renqueue.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {

  private static JsonObject json(String s) {
    try (var r = Json.createReader(new StringReader(s))) {
      return r.readObject();
    }
  }

  @Test
  void aPromptCostsAboutOneTokenPerFourCharactersPlusItsAnswerBudget() {
    String prompt = "x".repeat(400);
    JsonObject request =
        json(
            "{\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt
                + "\"}],\"max_tokens\":50}");
    assertThat(TokenEstimate.of(request)).isEqualTo(100 + 4 + 50);
  }

  @Test
  void withoutMaxTokensTheDefaultAnswerBudgetIsAssumed() {
    JsonObject request = json("{\"messages\":[{\"role\":\"user\",\"content\":\"abcd\"}]}");
    assertThat(TokenEstimate.of(request))
        .isEqualTo(1 + 4 + TokenEstimate.DEFAULT_COMPLETION_TOKENS);
  }

  @Test
  void maxCompletionTokensWinsOverTheLegacyField() {
    JsonObject request =
        json(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}],"
                + "\"max_tokens\":900,\"max_completion_tokens\":10}");
    assertThat(TokenEstimate.of(request)).isEqualTo(4 + 10);
  }

  @Test
  void textPartsAndEmbeddingInputsAreCounted() {
    JsonObject parts =
        json(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"12345678\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}],\"max_tokens\":1}");
    assertThat(TokenEstimate.of(parts)).isEqualTo(2 + 4 + 1);
    JsonObject embedding = json("{\"input\":[\"abcd\",\"efgh\"]}");
    assertThat(TokenEstimate.of(embedding)).as("an embedding has no answer to budget").isEqualTo(2);
  }
}
