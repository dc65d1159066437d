package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  void theWorkerTellsTheWaitingServerThatASynchronousTaskEndedWithoutRelayingItsText()
      throws Exception {
    List<Message> published = new ArrayList<>();
    String taskId;
    String key;
    try (JMSContext jms = jms().createContext();
        JMSConsumer everything = jms.createConsumer(jms.createTopic("renqueue.stream"))) {
      taskId =
          client
              .chat()
              .completions()
              .create(ask(unique("sdk sync end")))
              .id()
              .substring("chatcmpl-".length());
      for (Message m = everything.receive(2_000); m != null; m = everything.receive(500)) {
        published.add(m);
      }
    }
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement("SELECT end_notice_key, relay_key FROM task WHERE id = ?::uuid")) {
      q.setString(1, taskId);
      ResultSet row = q.executeQuery();
      assertThat(row.next()).isTrue();
      key = row.getString(1);
      assertThat(key).isNotNull();
      assertThat(row.getString(2)).isNull();
    }
    List<String> events = new ArrayList<>();
    for (Message m : published) {
      if (key.equals(m.getStringProperty("renqueue_relay"))) {
        events.add(m.getStringProperty("renqueue_event"));
        assertThat(key).startsWith(m.getStringProperty("renqueue_server") + "#");
      }
    }
    assertThat(events).as("addressed to the server holding the call").containsExactly("end");
    assertThat(get(API + "/metrics").body())
        .as("the call was woken by the announcement")
        .containsPattern("renqueue_sync_ends_seen_total\\{by=\"announcement\"[^}]*} [1-9]");
  }

  @Test
  void aSynchronousCallWhoseTaskIsCancelledWhileItWaitsAnswers409() throws Exception {
    holdBothSlots();
    String prompt = unique("sync then cancelled");
    CompletableFuture<Reply> call =
        CompletableFuture.supplyAsync(() -> post("/v1/chat/completions", chat(prompt, "normal")));
    String id =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> queuedTaskWith(prompt), java.util.Objects::nonNull);

    double announcedBefore = syncEndsSeen("announcement");
    assertThat(delete("/api/v1/tasks/" + id).status()).isEqualTo(200);

    // No worker ran it: the cancellation itself announces the end to the waiting caller.
    Reply reply = call.get(30, TimeUnit.SECONDS);
    healthySimulators();
    assertThat(reply.status()).isEqualTo(409);
    assertThat(reply.json().getJsonObject("error").getString("code")).isEqualTo("cancelled");
    assertThat(syncEndsSeen("announcement")).isGreaterThan(announcedBefore);
  }

  private static double syncEndsSeen(String by) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "renqueue_sync_ends_seen_total\\{by=\"" + by + "\"[^}]*} ([0-9.E]+)")
            .matcher(get(API + "/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static String queuedTaskWith(String prompt) throws Exception {
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement(
                "SELECT id FROM task WHERE state = 'QUEUED' AND request_json::text LIKE ?")) {
      q.setString(1, "%" + prompt + "%");
      ResultSet row = q.executeQuery();
      return row.next() ? row.getString(1) : null;
    }
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
  void aStreamCutMidAnswerIsContinuedOnAnotherAttemptAndTheClientGetsOneContinuousAnswer() {
    simulator(SIM_A, "{\"cut_after_tokens\":3}");
    String prompt = unique("cut me");
    String[] id = new String[1];
    String received = streamed(prompt, id);

    JsonObject task = awaitState(id[0], "SUCCEEDED", "FAILED");
    assertThat(task.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(received).isEqualTo(task.getJsonObject("result").getString("text"));
    assertThat(received).startsWith("[sim-small] " + prompt.split(" ")[0]);
    assertThat(task.getString("continuation")).contains("sim-a broke off after", "continued on");
    assertThat(simulatorStats(SIM_A).getInt("streams_cut")).isPositive();
  }

  @Test
  void aBackendThatHangsAfterTheFirstTokenTimesOutAndTheNextOneFinishesTheAnswer() {
    simulator(SIM_A, "{\"hang_after_tokens\":1}");
    String[] id = new String[1];
    String received = streamed(unique("hang after one"), id);

    JsonObject task = awaitState(id[0], "SUCCEEDED", "FAILED");
    assertThat(task.getString("backend")).isEqualTo("sim-b");
    assertThat(received).isEqualTo(task.getJsonObject("result").getString("text"));
    assertThat(task.getString("continuation")).contains("continued on sim-b");
    assertThat(simulatorStats(SIM_A).getInt("streams_hung")).isEqualTo(3);
  }

  @Test
  void tokensReachTheClientWhileTheBackendIsStillGenerating() {
    simulator(SIM_A, "{\"tokens_per_second\":5}");
    String[] stateAtFirstText = new String[1];
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(ask(unique("slowly")))) {
      stream.stream()
          .forEach(
              chunk -> {
                boolean hasText =
                    chunk.choices().stream()
                        .anyMatch(ch -> ch.delta().content().filter(t -> !t.isEmpty()).isPresent());
                if (hasText && stateAtFirstText[0] == null) {
                  String id = chunk.id().substring("chatcmpl-".length());
                  stateAtFirstText[0] = task(id).getString("state");
                }
              });
    }
    assertThat(stateAtFirstText[0]).isEqualTo("RUNNING");
  }

  /** The text of a streamed completion, and the task behind it (from the chunk ids). */
  private String streamed(String prompt, String[] taskId) {
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(ask(prompt))) {
      stream.stream()
          .forEach(
              chunk -> {
                taskId[0] = chunk.id().substring("chatcmpl-".length());
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
              });
    }
    return text.toString();
  }

  @Test
  void embeddingsAreTheSameVectorsWhetherTheSdkAsksForBase64OrFloats() {
    EmbeddingCreateParams.Builder ask =
        EmbeddingCreateParams.builder().model("sim-small").input(unique("embed me"));
    CreateEmbeddingResponse base64 = client.embeddings().create(ask.build());
    CreateEmbeddingResponse floats =
        client
            .embeddings()
            .create(ask.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

    assertThat(base64.data()).hasSize(1);
    List<Float> vector = base64.data().get(0).embedding();
    assertThat(vector).isNotEmpty().isEqualTo(floats.data().get(0).embedding());
    assertThat(base64.usage().promptTokens()).isPositive();
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
