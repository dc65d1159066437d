package io.renqueue.tasks;

import io.renqueue.dispatch.AnswerStream;
import io.renqueue.dispatch.Outgoing;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.storage.Unit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What follows a task's terminal state, in the transaction that set it: dependents released or
 * failed, notices owed (a JMS reply, a dead-letter copy) handed to the outbox, and after the commit
 * the waiting client's server told, the metrics counted, the end logged.
 */
@ApplicationScoped
public class TaskEnds {

  private static final Logger LOG = Logger.getLogger(TaskEnds.class.getName());

  @Inject TaskMetrics metrics;
  @Inject AnswerStream answers;

  /**
   * The task just ended, as its terminal UPDATE returned it ({@code RETURNING *}): its {@code
   * has_dependents} says whether anything waits for it, so most tasks pay no statement for that.
   */
  public void ended(Unit u, ResultSet row) throws SQLException {
    ended(u, Task.fromRow(row), row.getBoolean("has_dependents"));
  }

  public void ended(Unit u, Task t, boolean hasDependents) throws SQLException {
    if (hasDependents) {
      releaseOrFailDependents(u, t);
    }
    TaskNotices.of(t).forEach(u::send);
    u.afterCommit(() -> after(t));
  }

  /** Dependents of an ended task: released when it SUCCEEDED, failed otherwise. */
  public void releaseOrFailDependents(Unit u, Task t) throws SQLException {
    if (t.getState() == TaskState.SUCCEEDED) {
      releaseDependents(u, t.getId());
    } else {
      failDependents(u, t.getId(), "Dependency " + t.getId() + " ended " + t.getState());
    }
  }

  /** QUEUED → FAILED for a task whose dependency did not succeed. */
  /** Fails a waiting task whose dependency did not succeed; the ended task, if it still waited. */
  public java.util.Optional<Task> failWaiting(Unit u, UUID id, String reason) throws SQLException {
    try (PreparedStatement s =
        u.prepare(
            "UPDATE task SET state = 'FAILED', finished_at = now(), blocked = false,"
                + " error_code = 'dependency_failed', error_message = ?,"
                + " notice_pending = (reply_to IS NOT NULL)"
                + " WHERE id = ? AND state = 'QUEUED' RETURNING *")) {
      s.setString(1, reason);
      s.setObject(2, id);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          Task t = Task.fromRow(rs);
          ended(u, t, rs.getBoolean("has_dependents"));
          return java.util.Optional.of(t);
        }
        return java.util.Optional.empty();
      }
    }
  }

  private void after(Task t) {
    metrics.finished(t.getState(), t.getPriority());
    if (TaskNotices.deadLettered(t)) {
      metrics.deadLettered(t.getErrorCode());
    }
    if (t.getWaiterKey() != null) {
      try {
        answers.ended(t);
      } catch (Exception e) {
        // The waiting client's server also reads the task itself; this only delays it.
        LOG.warning(() -> "Task " + t.getId() + ": end not announced to its caller: " + e);
      }
    }
    Level level = t.getState() == TaskState.SUCCEEDED ? Level.FINE : Level.INFO;
    LOG.log(level, () -> "Task " + t.getId() + " " + t.getState() + describe(t));
  }

  /**
   * Dependents whose dependencies have now all SUCCEEDED stop being blocked and get a token. They
   * are locked first, in a statement of their own, and then checked in the next: of two
   * dependencies finishing at once, the second to take the lock sees the first one's commit.
   */
  private void releaseDependents(Unit u, UUID id) throws SQLException {
    List<UUID> waiting = new ArrayList<>();
    try (PreparedStatement s =
        u.prepare(
            "SELECT t.id FROM task t WHERE t.state = 'QUEUED' AND t.blocked"
                + " AND t.id IN (SELECT task_id FROM task_dependency WHERE depends_on = ?)"
                + " ORDER BY t.id FOR UPDATE")) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          waiting.add(rs.getObject(1, UUID.class));
        }
      }
    }
    if (waiting.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        u.prepare(
            "UPDATE task t SET blocked = false, dispatched_at = NULL"
                + " WHERE t.id = ANY (?) AND t.state = 'QUEUED' AND t.blocked"
                + " AND NOT EXISTS (SELECT 1 FROM task_dependency d JOIN task dep ON dep.id = d.depends_on"
                + " WHERE d.task_id = t.id AND dep.state <> 'SUCCEEDED')"
                + " RETURNING t.id, t.priority, t.dispatch_priority")) {
      s.setArray(1, u.connection().createArrayOf("uuid", waiting.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          u.send(
              Outgoing.token(
                  rs.getObject(1, UUID.class), Priority.valueOf(rs.getString(2)), rs.getInt(3), 0));
        }
      }
    }
  }

  /** Waiting dependents of a task that did not succeed fail with the reason, recursively. */
  private void failDependents(Unit u, UUID id, String reason) throws SQLException {
    List<Task> failed = new ArrayList<>();
    List<Boolean> theirDependents = new ArrayList<>();
    try (PreparedStatement s =
        u.prepare(
            "UPDATE task SET state = 'FAILED', finished_at = now(), blocked = false,"
                + " error_code = 'dependency_failed', error_message = ?,"
                + " notice_pending = (reply_to IS NOT NULL) WHERE state = 'QUEUED'"
                + " AND id IN (SELECT task_id FROM task_dependency WHERE depends_on = ?)"
                + " RETURNING *")) {
      s.setString(1, reason);
      s.setObject(2, id);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          failed.add(Task.fromRow(rs));
          theirDependents.add(rs.getBoolean("has_dependents"));
        }
      }
    }
    for (int i = 0; i < failed.size(); i++) {
      ended(u, failed.get(i), theirDependents.get(i));
    }
  }

  private static String describe(Task t) {
    return switch (t.getState()) {
      case SUCCEEDED -> " on " + t.getBackend() + " in " + t.getLatencyMs() + " ms";
      case FAILED, EXPIRED -> ": " + t.getErrorCode() + " - " + t.getErrorMessage();
      default -> "";
    };
  }
}
