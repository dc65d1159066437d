package io.renqueue.backends;

import java.time.Instant;

/**
 * A successful chat completion and where and how fast it came.
 *
 * @param firstTokenMs time from sending the request to the first answer token
 * @param cooldownUntil set when the backend said its budget is used up (x-ratelimit-remaining 0)
 * @param continuation how the text was completed after a backend broke off mid-stream, or null
 */
public record ChatAnswer(
    String backend,
    String text,
    String finishReason,
    Integer promptTokens,
    Integer completionTokens,
    long latencyMs,
    long firstTokenMs,
    Instant cooldownUntil,
    String continuation) {

  public ChatAnswer(
      String backend,
      String text,
      String finishReason,
      Integer promptTokens,
      Integer completionTokens,
      long latencyMs,
      long firstTokenMs,
      Instant cooldownUntil) {
    this(
        backend,
        text,
        finishReason,
        promptTokens,
        completionTokens,
        latencyMs,
        firstTokenMs,
        cooldownUntil,
        null);
  }

  /** This answer continued {@code prefix}, which another attempt produced before it broke off. */
  public ChatAnswer continuing(String prefix, String how) {
    return new ChatAnswer(
        backend,
        prefix + text,
        finishReason,
        promptTokens,
        completionTokens,
        latencyMs,
        firstTokenMs,
        cooldownUntil,
        how);
  }

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
