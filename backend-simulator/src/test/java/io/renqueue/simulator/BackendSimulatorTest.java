package io.renqueue.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackendSimulatorTest {

  private static final String CHAT =
      "{\"model\":\"sim-small\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";

  private final HttpClient http = HttpClient.newHttpClient();
  private BackendSimulator sim;

  @BeforeEach
  void start() throws Exception {
    sim = new BackendSimulator("127.0.0.1", 0, SimulatorSettings.defaults("test-sim")).start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void chatAnswersAreDeterministicOpenAiCompletions() throws Exception {
    HttpResponse<String> first = post("/v1/chat/completions", CHAT);
    HttpResponse<String> second = post("/v1/chat/completions", CHAT);

    assertThat(first.statusCode()).isEqualTo(200);
    JsonObject body = json(first.body());
    String text =
        body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
    assertThat(text).startsWith("[sim-small] hello there");
    assertThat(
            json(second.body())
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .isEqualTo(text);
    assertThat(body.getJsonObject("usage").getInt("prompt_tokens")).isEqualTo(2);
  }

  @Test
  void streamingSendsSseChunksEndingInDone() throws Exception {
    HttpResponse<String> r =
        post("/v1/chat/completions", CHAT.replace("{\"model\"", "{\"stream\":true,\"model\""));

    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    String[] events = r.body().split("\n\n");
    assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < events.length - 1; i++) {
      JsonObject chunk = json(events[i].substring("data: ".length()));
      text.append(
          chunk
              .getJsonArray("choices")
              .getJsonObject(0)
              .getJsonObject("delta")
              .getString("content", ""));
    }
    String plain =
        json(post("/v1/chat/completions", CHAT).body())
            .getJsonArray("choices")
            .getJsonObject(0)
            .getJsonObject("message")
            .getString("content");
    assertThat(text.toString()).isEqualTo(plain);
  }

  @Test
  void requestsOverTheMinuteLimitGet429WithRateLimitHeaders() throws Exception {
    post("/sim/config", "{\"requests_per_minute\":2}");
    assertThat(post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    HttpResponse<String> second = post("/v1/chat/completions", CHAT);
    assertThat(second.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    HttpResponse<String> third = post("/v1/chat/completions", CHAT);

    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.headers().firstValue("Retry-After")).isPresent();
    assertThat(third.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
    assertThat(json(stats()).getInt("rate_limited")).isEqualTo(1);
  }

  @Test
  void aThrottleAnswersTheNextRequest429WithItsRetryAfterAndCountsRequestsBeforeIt()
      throws Exception {
    assertThat(post("/sim/throttle", "{\"retry_after_seconds\":30}").statusCode()).isEqualTo(200);
    HttpResponse<String> first = post("/v1/chat/completions", CHAT);
    HttpResponse<String> early = post("/v1/chat/completions", CHAT);

    assertThat(first.statusCode()).isEqualTo(429);
    assertThat(first.headers().firstValue("Retry-After")).hasValue("30");
    assertThat(early.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(early.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(29, 30);
    assertThat(json(stats()).getInt("throttled")).isEqualTo(1);
    assertThat(json(stats()).getInt("requests_before_retry_after")).isEqualTo(1);
    assertThat(post("/sim/throttle", "{}").statusCode()).isEqualTo(400);
  }

  @Test
  void withTwoSlotsAThirdRequestWaitsForOneToFinish() throws Exception {
    post("/sim/config", "{\"first_token_ms\":300}");
    assertThat(post("/sim/slots", "{\"slots\":2}").statusCode()).isEqualTo(200);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      long start = System.nanoTime();
      var calls = new java.util.ArrayList<java.util.concurrent.Future<Long>>();
      for (int i = 0; i < 3; i++) {
        calls.add(
            pool.submit(
                () -> {
                  post("/v1/chat/completions", CHAT);
                  return (System.nanoTime() - start) / 1_000_000;
                }));
      }
      var ends = new java.util.ArrayList<Long>();
      for (var c : calls) {
        ends.add(c.get());
      }
      java.util.Collections.sort(ends);
      // Two answered together after ~300 ms, the third only after one of them: ~600 ms.
      assertThat(ends.get(2)).isGreaterThanOrEqualTo(ends.get(0) + 250);
    } finally {
      pool.shutdownNow();
      post("/sim/slots", "{\"slots\":0}");
    }
    assertThat(post("/sim/slots", "{}").statusCode()).isEqualTo(400);
  }

  @Test
  void onlyAnswersSentInFullCountAsCompleted() throws Exception {
    String streaming = CHAT.replace("{\"model\"", "{\"stream\":true,\"model\"");
    post("/v1/chat/completions", CHAT);
    post("/v1/chat/completions", streaming);
    post("/sim/config", "{\"cut_after_tokens\":3}");
    post("/v1/chat/completions", streaming);

    var stats = json(stats());
    String prompt = stats.getJsonObject("prompts").keySet().iterator().next();
    assertThat(stats.getJsonObject("prompts").getInt(prompt)).isEqualTo(3);
    assertThat(stats.getJsonObject("completed").getInt(prompt)).isEqualTo(2);
  }

  @Test
  void errorRateOneAnswersTheConfiguredStatus() throws Exception {
    post("/sim/config", "{\"error_rate\":1.0,\"error_status\":503}");
    assertThat(post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(503);
  }

  @Test
  void aPoisonedPromptAlwaysFailsWhileOtherPromptsAreServed() throws Exception {
    post("/sim/config", "{\"fail_prompts_containing\":\"POISON\",\"error_status\":500}");

    assertThat(
            post("/v1/chat/completions", CHAT.replace("hello there", "a POISON pill")).statusCode())
        .isEqualTo(500);
    assertThat(post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    assertThat(json(stats()).getInt("poison_failures")).isEqualTo(1);
  }

  @Test
  void hangModeNeverAnswers() throws Exception {
    post("/sim/config", "{\"hang\":true}");
    HttpRequest request =
        HttpRequest.newBuilder(uri("/v1/chat/completions"))
            .timeout(Duration.ofMillis(500))
            .POST(HttpRequest.BodyPublishers.ofString(CHAT))
            .build();
    assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void unknownModelIs404AndCountersShowWhatArrived() throws Exception {
    assertThat(post("/v1/chat/completions", CHAT.replace("sim-small", "gpt-9")).statusCode())
        .isEqualTo(404);
    post("/v1/chat/completions", CHAT);
    JsonObject stats = json(stats());
    assertThat(stats.getInt("chat_completions")).isEqualTo(2);
    assertThat(stats.getJsonObject("prompts").getInt("hello there")).isEqualTo(1);
  }

  @Test
  void embeddingsAndModelsFollowTheOpenAiShape() throws Exception {
    JsonObject e =
        json(post("/v1/embeddings", "{\"model\":\"sim-small\",\"input\":[\"a\",\"b\"]}").body());
    assertThat(e.getJsonArray("data")).hasSize(2);
    assertThat(e.getJsonArray("data").getJsonObject(0).getJsonArray("embedding")).hasSize(16);
    HttpResponse<String> models =
        http.send(
            HttpRequest.newBuilder(uri("/v1/models")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(json(models.body()).getJsonArray("data")).hasSize(2);
  }

  @Test
  void theBaseUrlDescribesTheSimulatorAndOtherPathsAre404() throws Exception {
    HttpResponse<String> index =
        http.send(HttpRequest.newBuilder(uri("/v1")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(json(index.body()).getString("name")).isEqualTo("test-sim");
    HttpResponse<String> missing =
        http.send(
            HttpRequest.newBuilder(uri("/v2/nope")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  private String stats() throws Exception {
    return http.send(
            HttpRequest.newBuilder(uri("/sim/stats")).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + sim.port() + path);
  }

  private static JsonObject json(String s) {
    return Json.createReader(new StringReader(s)).readObject();
  }
}
