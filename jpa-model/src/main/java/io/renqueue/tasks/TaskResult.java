package io.renqueue.tasks;

/** What a backend produced for a task, as stored when the task succeeds. */
public record TaskResult(
    String backend,
    String text,
    String finishReason,
    Integer promptTokens,
    Integer completionTokens,
    long latencyMs) {}
