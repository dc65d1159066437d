package io.renqueue.tasks;

import io.renqueue.storage.Unit;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** The task table's writes that new tasks need, as prepared statements over arrays. */
public final class TaskRows {

  private TaskRows() {}

  /**
   * Inserts every task in one statement (one round trip for a whole batch). A task whose
   * idempotency key or source message is taken already is not inserted; returns the ids that were.
   */
  public static Set<UUID> insert(Unit u, List<Task> tasks, List<String> sourceIds)
      throws SQLException {
    Set<UUID> inserted = new HashSet<>();
    if (tasks.isEmpty()) {
      return inserted;
    }
    try (PreparedStatement s =
        u.prepare(
            "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json,"
                + " idempotency_key, reply_to, correlation_id, created_at, expires_at,"
                + " dispatch_priority, parent_id, blocked, estimated_tokens, priority_reason,"
                + " routing_json, relay_key, end_notice_key, source_message_id)"
                + " SELECT id, ?, type, model, priority, 'QUEUED', request_json, idempotency_key,"
                + " reply_to, correlation_id, created_at, expires_at, dispatch_priority, parent_id,"
                + " blocked, estimated_tokens, priority_reason, routing_json, relay_key,"
                + " end_notice_key, source_message_id FROM unnest(?::uuid[], ?::text[], ?::text[],"
                + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[],"
                + " ?::timestamptz[], ?::int[], ?::uuid[], ?::boolean[], ?::int[], ?::text[],"
                + " ?::text[], ?::text[], ?::text[], ?::text[]) AS n(id, type, model, priority,"
                + " request_json, idempotency_key, reply_to, correlation_id, created_at,"
                + " expires_at, dispatch_priority, parent_id, blocked, estimated_tokens,"
                + " priority_reason, routing_json, relay_key, end_notice_key, source_message_id)"
                + " ON CONFLICT DO NOTHING RETURNING id")) {
      s.setString(1, tasks.get(0).getTenantId());
      s.setArray(2, text(u, tasks, t -> t.getId().toString()));
      s.setArray(3, text(u, tasks, t -> t.getType().name()));
      s.setArray(4, text(u, tasks, Task::getModel));
      s.setArray(5, text(u, tasks, t -> t.getPriority().name()));
      s.setArray(6, text(u, tasks, Task::getRequestJson));
      s.setArray(7, text(u, tasks, Task::getIdempotencyKey));
      s.setArray(8, text(u, tasks, Task::getReplyTo));
      s.setArray(9, text(u, tasks, Task::getCorrelationId));
      s.setArray(10, text(u, tasks, t -> t.getCreatedAt().toString()));
      s.setArray(
          11, text(u, tasks, t -> t.getExpiresAt() == null ? null : t.getExpiresAt().toString()));
      s.setArray(
          12,
          u.connection()
              .createArrayOf("int4", tasks.stream().map(Task::getDispatchPriority).toArray()));
      s.setArray(
          13, text(u, tasks, t -> t.getParentId() == null ? null : t.getParentId().toString()));
      s.setArray(
          14, u.connection().createArrayOf("bool", tasks.stream().map(Task::isBlocked).toArray()));
      s.setArray(
          15,
          u.connection()
              .createArrayOf("int4", tasks.stream().map(Task::getEstimatedTokens).toArray()));
      s.setArray(16, text(u, tasks, Task::getPriorityReason));
      s.setArray(17, text(u, tasks, Task::getRoutingJson));
      s.setArray(18, text(u, tasks, Task::getRelayKey));
      s.setArray(19, text(u, tasks, Task::getEndNoticeKey));
      s.setArray(20, u.connection().createArrayOf("text", sourceIds.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          inserted.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return inserted;
  }

  private static Array text(Unit u, List<Task> tasks, Function<Task, String> column)
      throws SQLException {
    return u.connection().createArrayOf("text", tasks.stream().map(column).toArray());
  }

  public static void addDependencies(Unit u, UUID task, List<UUID> dependsOn) throws SQLException {
    try (PreparedStatement s =
        u.prepare(
            "INSERT INTO task_dependency (task_id, depends_on) SELECT ?, d FROM unnest(?::uuid[]) d"
                + " ON CONFLICT DO NOTHING")) {
      s.setObject(1, task);
      s.setArray(2, u.connection().createArrayOf("uuid", dependsOn.toArray()));
      s.executeUpdate();
    }
  }

  /** A waiting task whose dispatch priority was raised, and whether it is still blocked. */
  public record Raised(UUID id, Priority priority, int dispatchPriority, boolean blocked) {}

  /**
   * Priority inheritance: every still-QUEUED task that {@code ids} depend on, transitively, is
   * raised to at least {@code priority}. The unblocked ones need a token at the new priority.
   */
  public static List<Raised> inheritPriority(Unit u, List<UUID> ids, int priority, String reason)
      throws SQLException {
    try (PreparedStatement s =
        u.prepare(
            "WITH RECURSIVE ancestors(id) AS (SELECT id FROM task WHERE id = ANY (?)"
                + " UNION SELECT d.depends_on FROM task_dependency d JOIN ancestors a ON d.task_id = a.id)"
                // An extra token: dispatched_at still says whether the first one is confirmed.
                + " UPDATE task t SET dispatch_priority = ?, priority_reason = ? FROM ancestors a"
                + " WHERE t.id = a.id AND t.state = 'QUEUED' AND t.dispatch_priority < ?"
                + " RETURNING t.id, t.priority, t.dispatch_priority, t.blocked")) {
      s.setArray(1, u.connection().createArrayOf("uuid", ids.toArray()));
      s.setInt(2, priority);
      s.setString(3, reason);
      s.setInt(4, priority);
      List<Raised> raised = new java.util.ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          raised.add(
              new Raised(
                  rs.getObject(1, UUID.class),
                  Priority.valueOf(rs.getString(2)),
                  rs.getInt(3),
                  rs.getBoolean(4)));
        }
      }
      return raised;
    }
  }
}
