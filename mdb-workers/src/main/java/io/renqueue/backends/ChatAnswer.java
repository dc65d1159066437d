package io.renqueue.backends;

/** A successful chat completion and where and how fast it came. */
public record ChatAnswer(
    String backend,
    String text,
    String finishReason,
    Integer promptTokens,
    Integer completionTokens,
    long latencyMs) {}
