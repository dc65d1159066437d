package io.renqueue.backends;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * Calls {@code POST {baseUrl}/chat/completions} on any OpenAI-compatible server and turns the
 * answer, or the failure, into Ren-Queue's terms. No retries here: retry policy belongs to the
 * fault-tolerance layer that calls it.
 */
public class OpenAiChatClient {

  private final HttpClient http;

  public OpenAiChatClient() {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  public OpenAiChatClient(HttpClient http) {
    this.http = http;
  }

  public ChatAnswer complete(BackendConfig backend, String requestJson)
      throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(trimSlash(backend.baseUrl()) + "/chat/completions"))
            .timeout(backend.requestTimeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(nonStreaming(requestJson)));
    if (backend.apiKey() != null && !backend.apiKey().isBlank()) {
      request.header("Authorization", "Bearer " + backend.apiKey());
    }
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new RetryableBackendException(
          "no answer within " + backend.requestTimeout().toMillis() + " ms");
    } catch (IOException e) {
      throw new RetryableBackendException(
          "connection failed (" + e.getClass().getSimpleName() + ")");
    }
    long latencyMs = (System.nanoTime() - start) / 1_000_000;
    int status = response.statusCode();
    if (status != 200) {
      String why = "HTTP " + status + errorMessage(response.body());
      throw FailureClassifier.isRetryable(status)
          ? new RetryableBackendException(why)
          : new RejectedByBackendException(why);
    }
    return parse(backend.name(), response.body(), latencyMs);
  }

  static ChatAnswer parse(String backend, String body, long latencyMs) {
    try (var reader = Json.createReader(new StringReader(body))) {
      JsonObject json = reader.readObject();
      JsonObject choice = json.getJsonArray("choices").getJsonObject(0);
      JsonObject message = choice.getJsonObject("message");
      String text = message.isNull("content") ? "" : message.getString("content");
      String finish =
          choice.isNull("finish_reason") ? null : choice.getString("finish_reason", null);
      JsonObject usage =
          json.containsKey("usage") && !json.isNull("usage") ? json.getJsonObject("usage") : null;
      return new ChatAnswer(
          backend,
          text,
          finish,
          usage == null ? null : usage.getInt("prompt_tokens", 0),
          usage == null ? null : usage.getInt("completion_tokens", 0),
          latencyMs);
    } catch (RuntimeException e) {
      throw new RetryableBackendException(
          "unreadable answer (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The task API is not streaming; the backend must send one JSON answer. */
  private static String nonStreaming(String requestJson) {
    try (var reader = Json.createReader(new StringReader(requestJson))) {
      JsonObjectBuilder b = Json.createObjectBuilder();
      for (Map.Entry<String, JsonValue> e : reader.readObject().entrySet()) {
        if (!e.getKey().equals("stream") && !e.getKey().equals("stream_options")) {
          b.add(e.getKey(), e.getValue());
        }
      }
      return b.add("stream", false).build().toString();
    }
  }

  private static String errorMessage(String body) {
    try (var reader = Json.createReader(new StringReader(body))) {
      String message = reader.readObject().getJsonObject("error").getString("message");
      return message.length() > 200
          ? " (" + message.substring(0, 200) + "…)"
          : " (" + message + ")";
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
