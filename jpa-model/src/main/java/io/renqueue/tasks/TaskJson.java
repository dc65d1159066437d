package io.renqueue.tasks;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;

/**
 * The public JSON shape of a task: what {@code GET /api/v1/tasks/{id}} returns and what a JMS reply
 * carries. One renderer so the two never drift apart.
 */
public final class TaskJson {

  private TaskJson() {}

  /** The whole task, request and result included. */
  public static JsonObject render(Task t) {
    return build(t, true);
  }

  /**
   * The task without its request and result text, for listings: a page of 500 tasks must not carry
   * 500 prompts and answers. {@code GET /tasks/{id}} has the rest.
   */
  public static JsonObject summary(Task t) {
    return build(t, false);
  }

  private static JsonObject build(Task t, boolean full) {
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("id", t.getId().toString())
            .add("type", t.getType().wireName())
            .add("model", t.getModel())
            .add("priority", t.getPriority().wireName())
            .add("dispatch_priority", t.getDispatchPriority())
            .add("estimated_tokens", t.getEstimatedTokens())
            .add("state", t.getState().wireName())
            .add("tenant", t.getTenantId())
            .add("attempts", t.getAttempts())
            .add("preemptions", t.getPreemptions());
    addString(b, "priority_reason", t.getPriorityReason());
    if (t.isBlocked() && t.getState() == TaskState.QUEUED) {
      b.add("blocked", true);
    }
    addString(b, "idempotency_key", t.getIdempotencyKey());
    if (t.getParentId() != null) {
      b.add("parent", t.getParentId().toString());
    }
    addInstant(b, "created_at", t.getCreatedAt());
    addInstant(b, "started_at", t.getStartedAt());
    addInstant(b, "finished_at", t.getFinishedAt());
    addInstant(b, "expires_at", t.getExpiresAt());
    if (t.getRoutingJson() != null) {
      b.add("routing", parse(t.getRoutingJson()));
    }
    if (t.getState() == TaskState.QUEUED && t.getWaitingReason() != null) {
      addInstant(b, "not_before", t.getNotBefore());
      b.add("waiting_reason", t.getWaitingReason());
    }
    if (t.getDeferrals() > 0) {
      b.add("deferrals", t.getDeferrals());
    }
    addString(b, "node", t.getNodeId());
    addString(b, "backend", t.getBackend());
    if (full) {
      b.add("request", parse(t.getRequestJson()));
    }
    if (t.getResultText() != null || t.getFinishReason() != null) {
      JsonObjectBuilder result = Json.createObjectBuilder();
      if (full) {
        addString(result, "text", t.getResultText());
      }
      addString(result, "finish_reason", t.getFinishReason());
      b.add("result", result);
    }
    if (t.getErrorCode() != null) {
      JsonObjectBuilder error = Json.createObjectBuilder().add("code", t.getErrorCode());
      addString(error, "message", t.getErrorMessage());
      b.add("error", error);
    }
    if (t.getPromptTokens() != null || t.getLatencyMs() != null) {
      JsonObjectBuilder usage = Json.createObjectBuilder();
      addLong(usage, "prompt_tokens", t.getPromptTokens());
      addLong(usage, "completion_tokens", t.getCompletionTokens());
      addLong(usage, "latency_ms", t.getLatencyMs());
      if (t.getCostUsd() != null) {
        usage.add("cost_usd", t.getCostUsd());
      }
      b.add("usage", usage);
    }
    if (t.getContinuation() != null) {
      b.add("continuation", t.getContinuation());
    }
    if (t.getDegradedTo() != null) {
      b.add("degraded_to", t.getDegradedTo());
    }
    if (full && t.getRoutingTrace() != null) {
      b.add("routing_trace", parse(t.getRoutingTrace()));
    }
    return b.build();
  }

  private static JsonValue parse(String json) {
    try (var reader = Json.createReader(new StringReader(json))) {
      return reader.readValue();
    }
  }

  private static void addString(JsonObjectBuilder b, String name, String value) {
    if (value != null) {
      b.add(name, value);
    }
  }

  private static void addInstant(JsonObjectBuilder b, String name, Instant value) {
    if (value != null) {
      b.add(name, value.toString());
    }
  }

  private static void addLong(JsonObjectBuilder b, String name, Number value) {
    if (value != null) {
      b.add(name, value.longValue());
    }
  }
}
