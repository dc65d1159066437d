package io.renqueue.backends;

import io.renqueue.ratelimit.RateLimitHeaders;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls {@code POST {baseUrl}/chat/completions} on any OpenAI-compatible server (vLLM, Ollama,
 * llama.cpp, TGI, OpenAI and the like) and turns the answer, or the failure, into Ren-Queue's
 * terms. It always asks for a stream, so that time to first token and generation speed are measured
 * per call, and assembles it into one answer. One attempt, no retries: retry policy belongs to the
 * caller. The attempt ends after {@code target.timeout()} in any case, and at once when the calling
 * thread is interrupted (preemption).
 */
public class OpenAiChatClient {

  private final HttpClient http;

  public OpenAiChatClient() {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  public OpenAiChatClient(HttpClient http) {
    this.http = http;
  }

  public ChatAnswer complete(BackendTarget target, String requestJson) throws InterruptedException {
    return complete(target, requestJson, Relay.NONE);
  }

  /**
   * As {@link #complete(BackendTarget, String)}, handing the answer text to {@code relay} piece by
   * piece as it arrives. A failure after some text carries that text ({@link
   * RetryableBackendException#partialText()}), so another backend can continue from it.
   */
  public ChatAnswer complete(BackendTarget target, String requestJson, Relay relay)
      throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(trimSlash(target.baseUrl()) + "/chat/completions"))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream, application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    streaming(requestJson, target.upstreamModel())));
    if (target.apiKey() != null && !target.apiKey().isBlank()) {
      request.header("Authorization", "Bearer " + target.apiKey());
    }
    long start = System.nanoTime();
    ChatStreamReader reader = new ChatStreamReader(start);
    // The exchange future completes with the whole body; the status is known as soon as the
    // headers arrive, and the text while it streams.
    CompletableFuture<Integer> arrived = new CompletableFuture<>();
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(
            request.build(),
            info -> {
              arrived.complete(info.statusCode());
              return info.statusCode() == 200
                  ? HttpResponse.BodySubscribers.fromLineSubscriber(
                      reader, r -> "", StandardCharsets.UTF_8, "\n")
                  : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            });
    exchange.whenComplete(
        (r, failure) -> {
          if (failure != null) {
            arrived.completeExceptionally(failure);
          }
        });
    long timeoutMs = target.timeout().toMillis();
    HttpResponse<String> response;
    try {
      if (arrived.get(timeoutMs, TimeUnit.MILLISECONDS) == 200) {
        if (relay.active()) {
          try {
            relayUntilDone(reader, relay, start, timeoutMs);
          } catch (RuntimeException e) {
            abort(exchange, reader);
            throw e;
          }
        }
        // The reader ends the stream (also on an error chunk, after which the exchange itself
        // may never complete).
        reader.done().get(Math.max(1, timeoutMs - elapsed(start)), TimeUnit.MILLISECONDS);
      }
      response = exchange.get(Math.max(1, timeoutMs - elapsed(start)), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      abort(exchange, reader);
      flush(reader, relay);
      throw new RetryableBackendException("no answer within " + timeoutMs + " ms")
          .withPartialText(reader.partialText());
    } catch (InterruptedException e) {
      abort(exchange, reader);
      throw e;
    } catch (ExecutionException e) {
      abort(exchange, reader);
      flush(reader, relay);
      if (e.getCause() instanceof RetryableBackendException r) {
        throw r.withPartialText(reader.partialText());
      }
      if (e.getCause() instanceof BackendException b) {
        throw b;
      }
      throw new RetryableBackendException(
              e.getCause() instanceof IOException
                  ? "connection failed (" + e.getCause().getClass().getSimpleName() + ")"
                  : "call failed (" + e.getCause().getClass().getSimpleName() + ")")
          .withPartialText(reader.partialText());
    }
    var headers = RateLimitHeaders.of(response.headers().map());
    int status = response.statusCode();
    Instant cooldown = RateLimitHeaders.cooldownUntil(headers, status, Instant.now()).orElse(null);
    if (status != 200) {
      String why = "HTTP " + status + errorMessage(response.body());
      throw FailureClassifier.isRetryable(status)
          ? new RetryableBackendException(why, status, cooldown)
          : new RejectedByBackendException(why, status, cooldown);
    }
    ChatAnswer a;
    try {
      a = reader.answer(target.name());
    } catch (RetryableBackendException e) {
      flush(reader, relay);
      throw e.withPartialText(reader.partialText());
    }
    return new ChatAnswer(
        a.backend(),
        a.text(),
        a.finishReason(),
        a.promptTokens(),
        a.completionTokens(),
        a.latencyMs(),
        a.firstTokenMs(),
        cooldown);
  }

  private static long elapsed(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** Hands text to the relay as it arrives, on the calling (container) thread, until the end. */
  private static void relayUntilDone(
      ChatStreamReader reader, Relay relay, long start, long timeoutMs)
      throws InterruptedException, TimeoutException {
    while (!reader.done().isDone()) {
      long left = timeoutMs - (System.nanoTime() - start) / 1_000_000;
      if (left <= 0) {
        throw new TimeoutException();
      }
      String text = reader.nextDeltas(Math.min(left, 100));
      if (!text.isEmpty()) {
        relay.text(text);
      }
    }
    String rest = reader.nextDeltas(0);
    if (!rest.isEmpty()) {
      relay.text(rest);
    }
  }

  /**
   * Whatever text arrived before a failure reaches the client too: it is the continuation's prefix.
   */
  private static void flush(ChatStreamReader reader, Relay relay) throws InterruptedException {
    if (relay.active()) {
      String rest = reader.nextDeltas(0);
      if (!rest.isEmpty()) {
        relay.text(rest);
      }
    }
  }

  private static void abort(CompletableFuture<?> exchange, ChatStreamReader reader) {
    reader.cancel();
    exchange.cancel(true);
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

  /** The backend request: the client's, streamed with usage, under the backend's model name. */
  static String streaming(String requestJson, String upstreamModel) {
    try (var reader = Json.createReader(new StringReader(requestJson))) {
      JsonObjectBuilder b = Json.createObjectBuilder();
      for (Map.Entry<String, JsonValue> e : reader.readObject().entrySet()) {
        if (!e.getKey().equals("stream") && !e.getKey().equals("stream_options")) {
          b.add(e.getKey(), e.getValue());
        }
      }
      if (upstreamModel != null) {
        b.add("model", upstreamModel);
      }
      return b.add("stream", true)
          .add("stream_options", Json.createObjectBuilder().add("include_usage", true))
          .build()
          .toString();
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
