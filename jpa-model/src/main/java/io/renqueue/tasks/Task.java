package io.renqueue.tasks;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One unit of inference work and everything that happened to it. The row is the source of truth: a
 * JMS message only carries the id, and every state change is a guarded update (see {@link
 * TaskState}) so duplicate or late messages cannot change a task twice.
 */
@Entity
@Table(name = "task")
public class Task {

  @Id private UUID id;

  @Column(name = "tenant_id", nullable = false)
  private String tenantId;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private TaskType type;

  @Column(nullable = false)
  private String model;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private Priority priority;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private TaskState state;

  /** The OpenAI-format request body (messages, max_tokens, temperature…) as submitted. */
  @Column(name = "request_json", nullable = false)
  private String requestJson;

  @Column(name = "idempotency_key")
  private String idempotencyKey;

  /** Where to send the final task JSON, as {@code queue:NAME} or {@code topic:NAME}. */
  @Column(name = "reply_to")
  private String replyTo;

  @Column(name = "correlation_id")
  private String correlationId;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "started_at")
  private Instant startedAt;

  @Column(name = "finished_at")
  private Instant finishedAt;

  @Column(name = "lease_expires_at")
  private Instant leaseExpiresAt;

  @Column(name = "dispatched_at")
  private Instant dispatchedAt;

  /** After this instant the task must not start; it ends EXPIRED. Null: it may wait forever. */
  @Column(name = "expires_at")
  private Instant expiresAt;

  /** JMS priority (0–9) of the latest dispatch token; above the level's own once aged. */
  @Column(name = "dispatch_priority", nullable = false)
  private int dispatchPriority;

  /** The task that created this one, if any; a child inherits its parent's priority. */
  @Column(name = "parent_id")
  private UUID parentId;

  /** Times the task was taken off a slot for more urgent work; not failures. */
  @Column(nullable = false)
  private int preemptions;

  /** QUEUED but waiting for its dependencies: no dispatch token until they all SUCCEEDED. */
  @Column(nullable = false)
  private boolean blocked;

  /** Number of times a worker claimed the task; also the fencing token for its result. */
  @Column(nullable = false)
  private int attempts;

  @Column(name = "node_id")
  private String nodeId;

  private String backend;

  @Column(name = "result_text")
  private String resultText;

  @Column(name = "finish_reason")
  private String finishReason;

  @Column(name = "error_code")
  private String errorCode;

  @Column(name = "error_message")
  private String errorMessage;

  @Column(name = "prompt_tokens")
  private Integer promptTokens;

  @Column(name = "completion_tokens")
  private Integer completionTokens;

  @Column(name = "latency_ms")
  private Long latencyMs;

  /** Tokens the task is expected to use; fair share charges them when it starts. */
  @Column(name = "estimated_tokens", nullable = false)
  private int estimatedTokens;

  /** The routing constraints the task was submitted with (JSON), or null for the defaults. */
  @Column(name = "routing_json")
  private String routingJson;

  /** The router's decision for its last attempt: candidates, scores, reasons (JSON). */
  @Column(name = "routing_trace")
  private String routingTrace;

  @Column(name = "cost_usd")
  private Double costUsd;

  /** Not to be claimed before this: every candidate backend was cooling down. */
  @Column(name = "not_before")
  private Instant notBefore;

  @Column(name = "waiting_reason")
  private String waitingReason;

  /** Set while a streaming client waits: the key its answer text is published under. */
  @Column(name = "relay_key")
  private String relayKey;

  /** Set while a synchronous caller waits: the key the end of each attempt is announced under. */
  @Column(name = "end_notice_key")
  private String endNoticeKey;

  /** How the answer was completed on another backend after one broke off mid-stream. */
  @Column(name = "continuation")
  private String continuation;

  /** The smaller model that answered because every backend of the requested one failed. */
  @Column(name = "degraded_to")
  private String degradedTo;

  /** Times it went back to the queue because no backend could take it; not failures. */
  @Column(nullable = false)
  private int deferrals;

  /** Why the task runs above the level it was submitted with, if it does. */
  @Column(name = "priority_reason")
  private String priorityReason;

  protected Task() {}

  /** A freshly accepted task, QUEUED, not yet claimed by any worker. */
  public static Task accepted(
      UUID id,
      String tenantId,
      TaskType type,
      String model,
      Priority priority,
      String requestJson,
      String idempotencyKey,
      Instant now) {
    Task t = new Task();
    t.id = id;
    t.tenantId = tenantId;
    t.type = type;
    t.model = model;
    t.priority = priority;
    t.state = TaskState.QUEUED;
    t.requestJson = requestJson;
    t.idempotencyKey = idempotencyKey;
    t.createdAt = now;
    // No token yet: it is sent after the row commits, and confirmed on the row once the broker
    // has it (docs/architecture.md, the task row is its own outbox).
    t.dispatchPriority = priority.jmsPriority();
    return t;
  }

  /**
   * A task read with plain JDBC ({@code RETURNING *} or {@code SELECT *}): the hot path claims and
   * records tasks without a persistence context. Not managed by JPA.
   */
  public static Task fromRow(ResultSet rs) throws SQLException {
    Task t = new Task();
    t.id = rs.getObject("id", UUID.class);
    t.tenantId = rs.getString("tenant_id");
    t.type = TaskType.valueOf(rs.getString("type"));
    t.model = rs.getString("model");
    t.priority = Priority.valueOf(rs.getString("priority"));
    t.state = TaskState.valueOf(rs.getString("state"));
    t.requestJson = rs.getString("request_json");
    t.idempotencyKey = rs.getString("idempotency_key");
    t.replyTo = rs.getString("reply_to");
    t.correlationId = rs.getString("correlation_id");
    t.createdAt = instant(rs, "created_at");
    t.startedAt = instant(rs, "started_at");
    t.finishedAt = instant(rs, "finished_at");
    t.leaseExpiresAt = instant(rs, "lease_expires_at");
    t.dispatchedAt = instant(rs, "dispatched_at");
    t.expiresAt = instant(rs, "expires_at");
    t.dispatchPriority = rs.getInt("dispatch_priority");
    t.parentId = rs.getObject("parent_id", UUID.class);
    t.preemptions = rs.getInt("preemptions");
    t.blocked = rs.getBoolean("blocked");
    t.attempts = rs.getInt("attempts");
    t.nodeId = rs.getString("node_id");
    t.backend = rs.getString("backend");
    t.resultText = rs.getString("result_text");
    t.finishReason = rs.getString("finish_reason");
    t.errorCode = rs.getString("error_code");
    t.errorMessage = rs.getString("error_message");
    t.promptTokens = (Integer) rs.getObject("prompt_tokens");
    t.completionTokens = (Integer) rs.getObject("completion_tokens");
    t.latencyMs = (Long) rs.getObject("latency_ms");
    t.estimatedTokens = rs.getInt("estimated_tokens");
    t.routingJson = rs.getString("routing_json");
    t.routingTrace = rs.getString("routing_trace");
    t.costUsd = (Double) rs.getObject("cost_usd");
    t.notBefore = instant(rs, "not_before");
    t.waitingReason = rs.getString("waiting_reason");
    t.relayKey = rs.getString("relay_key");
    t.endNoticeKey = rs.getString("end_notice_key");
    t.continuation = rs.getString("continuation");
    t.degradedTo = rs.getString("degraded_to");
    t.deferrals = rs.getInt("deferrals");
    t.priorityReason = rs.getString("priority_reason");
    return t;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }

  public Instant getDispatchedAt() {
    return dispatchedAt;
  }

  public String getEndNoticeKey() {
    return endNoticeKey;
  }

  public void relayTo(String key) {
    this.relayKey = key;
  }

  public String getRelayKey() {
    return relayKey;
  }

  public void announceEndTo(String key) {
    this.endNoticeKey = key;
  }

  /**
   * The key a waiting client's server listens for, streaming or not; null when nobody waits. The
   * end of each attempt is announced under it.
   */
  public String getWaiterKey() {
    return relayKey != null ? relayKey : endNoticeKey;
  }

  public String getDegradedTo() {
    return degradedTo;
  }

  public String getContinuation() {
    return continuation;
  }

  public void routeWith(String routing) {
    this.routingJson = routing;
  }

  public String getRoutingJson() {
    return routingJson;
  }

  public String getRoutingTrace() {
    return routingTrace;
  }

  public Double getCostUsd() {
    return costUsd;
  }

  public Instant getNotBefore() {
    return notBefore;
  }

  public String getWaitingReason() {
    return waitingReason;
  }

  public int getDeferrals() {
    return deferrals;
  }

  public void estimateTokens(int tokens) {
    this.estimatedTokens = tokens;
  }

  public int getEstimatedTokens() {
    return estimatedTokens;
  }

  public void prioritizedBecause(String reason) {
    this.priorityReason = reason;
  }

  public String getPriorityReason() {
    return priorityReason;
  }

  public void childOf(UUID parent) {
    this.parentId = parent;
  }

  public UUID getParentId() {
    return parentId;
  }

  public int getPreemptions() {
    return preemptions;
  }

  public void block() {
    this.blocked = true;
  }

  public boolean isBlocked() {
    return blocked;
  }

  public void expireAt(Instant expiry) {
    this.expiresAt = expiry;
  }

  public void replyTo(String destination, String correlation) {
    this.replyTo = destination;
    this.correlationId = correlation;
  }

  public UUID getId() {
    return id;
  }

  public String getTenantId() {
    return tenantId;
  }

  public TaskType getType() {
    return type;
  }

  public String getModel() {
    return model;
  }

  public Priority getPriority() {
    return priority;
  }

  public TaskState getState() {
    return state;
  }

  public String getRequestJson() {
    return requestJson;
  }

  public String getIdempotencyKey() {
    return idempotencyKey;
  }

  public String getReplyTo() {
    return replyTo;
  }

  public String getCorrelationId() {
    return correlationId;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getStartedAt() {
    return startedAt;
  }

  public Instant getFinishedAt() {
    return finishedAt;
  }

  public int getDispatchPriority() {
    return dispatchPriority;
  }

  public Instant getExpiresAt() {
    return expiresAt;
  }

  public Instant getLeaseExpiresAt() {
    return leaseExpiresAt;
  }

  public int getAttempts() {
    return attempts;
  }

  public String getNodeId() {
    return nodeId;
  }

  public String getBackend() {
    return backend;
  }

  public String getResultText() {
    return resultText;
  }

  public String getFinishReason() {
    return finishReason;
  }

  public String getErrorCode() {
    return errorCode;
  }

  public String getErrorMessage() {
    return errorMessage;
  }

  public Integer getPromptTokens() {
    return promptTokens;
  }

  public Integer getCompletionTokens() {
    return completionTokens;
  }

  public Long getLatencyMs() {
    return latencyMs;
  }
}
