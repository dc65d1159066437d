package io.renqueue.tasks;

/** What a backend produced for a task, as stored when the task succeeds. */
public record TaskResult(
    String backend,
    String text,
    String finishReason,
    Integer promptTokens,
    Integer completionTokens,
    long latencyMs,
    Double costUsd,
    String routingTrace,
    String continuation,
    String degradedTo) {

  public TaskResult(
      String backend,
      String text,
      String finishReason,
      Integer promptTokens,
      Integer completionTokens,
      long latencyMs) {
    this(
        backend,
        text,
        finishReason,
        promptTokens,
        completionTokens,
        latencyMs,
        null,
        null,
        null,
        null);
  }

  static final int MAX_FINISH_REASON = 64;

  /**
   * The result as the database can store it: PostgreSQL text cannot hold NUL characters, and the
   * finish reason column is short. A backend's odd answer must not make the task unstorable.
   */
  public TaskResult storable() {
    String reason = finishReason;
    if (reason != null && reason.length() > MAX_FINISH_REASON) {
      reason = reason.substring(0, MAX_FINISH_REASON);
    }
    return new TaskResult(
        backend,
        text == null ? null : text.replace("\u0000", ""),
        reason == null ? null : reason.replace("\u0000", ""),
        promptTokens,
        completionTokens,
        latencyMs,
        costUsd,
        routingTrace,
        continuation,
        degradedTo);
  }
}
