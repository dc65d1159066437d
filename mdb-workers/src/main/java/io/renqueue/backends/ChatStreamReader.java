package io.renqueue.backends;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Assembles an OpenAI chat completion stream (server-sent events, {@code data: {chunk}} lines,
 * ended by {@code data: [DONE]}) into one answer as the lines arrive, noting when the first token
 * came. A backend that ignored {@code stream: true} and sent one JSON document is understood too. A
 * stream that ends before a finish reason or {@code [DONE]} is a failure, never an answer: a
 * truncated text must not be stored as a success.
 */
final class ChatStreamReader implements Flow.Subscriber<String> {

  private final long startNanos;
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder document = new StringBuilder();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final java.util.concurrent.BlockingQueue<String> deltas =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private volatile Flow.Subscription subscription;
  private volatile long firstTokenNanos;
  private String finishReason;
  private Integer promptTokens;
  private Integer completionTokens;
  private int chunks;
  private boolean sawDone;
  private boolean plainJson;

  ChatStreamReader(long startNanos) {
    this.startNanos = startNanos;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(String line) {
    try {
      accept(line);
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
      subscription.cancel();
    }
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }

  CompletableFuture<Void> done() {
    return done;
  }

  /** Text received since the last call, or empty text after waiting {@code millis} for some. */
  String nextDeltas(long millis) throws InterruptedException {
    String first = deltas.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    if (first == null) {
      return "";
    }
    StringBuilder more = new StringBuilder(first);
    String next;
    while ((next = deltas.poll()) != null) {
      more.append(next);
    }
    return more.toString();
  }

  /** The text received so far, even from a stream that broke off. */
  synchronized String partialText() {
    return text.toString();
  }

  void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }

  private synchronized void accept(String line) {
    if (plainJson || (chunks == 0 && line.startsWith("{"))) {
      plainJson = true;
      document.append(line).append('\n');
      return;
    }
    if (!line.startsWith("data:")) {
      return; // blank separators, comments, event: lines
    }
    String data = line.substring(5).trim();
    if (data.equals("[DONE]")) {
      sawDone = true;
      return;
    }
    JsonObject chunk;
    try (var reader = Json.createReader(new StringReader(data))) {
      chunk = reader.readObject();
    } catch (JsonException e) {
      throw new RetryableBackendException("unreadable stream chunk");
    }
    chunks++;
    if (chunk.containsKey("error")) {
      throw new RetryableBackendException("error in stream: " + chunk.get("error"));
    }
    if (chunk.get("usage") instanceof JsonObject usage) {
      promptTokens = usage.getInt("prompt_tokens", 0);
      completionTokens = usage.getInt("completion_tokens", 0);
    }
    if (chunk.get("choices") instanceof JsonArray choices && !choices.isEmpty()) {
      JsonObject choice = choices.getJsonObject(0);
      if (choice.get("delta") instanceof JsonObject delta
          && delta.get("content") instanceof jakarta.json.JsonString content
          && !content.getString().isEmpty()) {
        if (firstTokenNanos == 0) {
          firstTokenNanos = System.nanoTime();
        }
        text.append(content.getString());
        deltas.add(content.getString());
      }
      JsonValue finish = choice.get("finish_reason");
      if (finish != null && finish.getValueType() == JsonValue.ValueType.STRING) {
        finishReason = choice.getString("finish_reason");
      }
    }
  }

  /** The answer, once the stream has ended; a cut stream is a retryable failure. */
  synchronized ChatAnswer answer(String backend) {
    long now = System.nanoTime();
    long latency = (now - startNanos) / 1_000_000;
    if (plainJson) {
      ChatAnswer a = OpenAiChatClient.parse(backend, document.toString(), latency);
      return a;
    }
    if (finishReason == null && !sawDone) {
      throw new RetryableBackendException(
          "stream ended early after " + text.length() + " characters");
    }
    long first = firstTokenNanos == 0 ? latency : (firstTokenNanos - startNanos) / 1_000_000;
    return new ChatAnswer(
        backend,
        text.toString(),
        finishReason,
        promptTokens,
        completionTokens != null ? completionTokens : chunks,
        latency,
        first,
        null);
  }
}
