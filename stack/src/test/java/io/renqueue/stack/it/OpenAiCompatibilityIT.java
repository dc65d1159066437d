package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible API under /v1, driven by the official OpenAI Java SDK unchanged (strict
 * response validation on, retries off so every call is exactly one request).
 */
class OpenAiCompatibilityIT {

  private final OpenAIClient client =
      OpenAIOkHttpClient.builder()
          .baseUrl(API + "/v1")
          .apiKey("not-needed")
          .maxRetries(0)
          .responseValidation(true)
          .build();

  @BeforeEach
  void healthy() {
    healthySimulators();
  }

  private static ChatCompletionCreateParams ask(String prompt) {
    return ChatCompletionCreateParams.builder()
        .model("sim-small")
        .addUserMessage(prompt)
        .maxCompletionTokens(32)
        .build();
  }

  @Test
  void aSynchronousChatCompletionReturnsTheDurableTasksAnswer() {
    String prompt = unique("sdk sync");
    ChatCompletion c = client.chat().completions().create(ask(prompt));

    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).message().content())
        .hasValueSatisfying(t -> assertThat(t).startsWith("[sim-small] " + prompt));
    assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
    String taskId = c.id().substring("chatcmpl-".length());
    assertThat(task(taskId).getString("state")).isEqualTo("SUCCEEDED");
  }

  @Test
  void aStreamingChatCompletionArrivesAsChunksThatMakeTheWholeAnswer() {
    String prompt = unique("sdk stream");
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(ask(prompt))) {
      stream.stream()
          .forEach(
              chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).startsWith("[sim-small] " + prompt);
  }

  @Test
  void modelsListsEveryAliasABackendServes() {
    List<String> ids = client.models().list().data().stream().map(Model::id).toList();
    assertThat(ids).contains("sim-small", "sim-large", "sim-limited");
  }

  @Test
  void anInvalidRequestIsAnOpenAiErrorTheSdkUnderstands() {
    ChatCompletionCreateParams unknownModel =
        ChatCompletionCreateParams.builder()
            .model("sim-small")
            .addUserMessage("x")
            .temperature(7.0)
            .build();
    assertThatThrownBy(() -> client.chat().completions().create(unknownModel))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("temperature");
  }

  @Test
  void theTaskIdComesBackInAHeaderAndXPrioritySetsTheLevel() throws Exception {
    String body =
        "{\"model\":\"sim-small\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + unique("header priority")
            + "\"}]}";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(API + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .header("X-Priority", "critical")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String taskId = r.headers().firstValue("X-Renqueue-Task-Id").orElseThrow();
    assertThat(task(taskId).getString("priority")).isEqualTo("critical");
    assertThat(json(r.body()).getString("id")).isEqualTo("chatcmpl-" + taskId);
  }
}
