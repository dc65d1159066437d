package io.renqueue.backends;

import java.time.Instant;

/**
 * A successful chat completion and where and how fast it came.
 *
 * @param firstTokenMs time from sending the request to the first answer token
 * @param cooldownUntil set when the backend said its budget is used up (x-ratelimit-remaining 0)
 */
public record ChatAnswer(
    String backend,
    String text,
    String finishReason,
    Integer promptTokens,
    Integer completionTokens,
    long latencyMs,
    long firstTokenMs,
    Instant cooldownUntil) {

  public ChatAnswer(
      String backend,
      String text,
      String finishReason,
      Integer promptTokens,
      Integer completionTokens,
      long latencyMs) {
    this(backend, text, finishReason, promptTokens, completionTokens, latencyMs, latencyMs, null);
  }
}
