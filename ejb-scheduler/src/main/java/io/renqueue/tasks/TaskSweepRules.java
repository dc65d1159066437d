package io.renqueue.tasks;

import io.renqueue.dispatch.OutboxRelay;
import io.renqueue.dispatch.Outgoing;
import io.renqueue.scheduling.AgingPolicy;
import io.renqueue.storage.DirectSql;
import io.renqueue.storage.Unit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The sweep's rules over tasks, each one bounded batch in one local transaction of its own: a rule
 * that fails rolls back only itself, and the next sweep tries it again. Every query uses an index
 * (partial indexes of V001–V017; docs/architecture.md shows the plans).
 */
@ApplicationScoped
public class TaskSweepRules {

  @Inject DirectSql sql;
  @Inject TaskEnds ends;
  @Inject OutboxRelay relay;

  /** QUEUED tasks past their expiry end EXPIRED; returns how many. */
  public int expireOverdue(int batch) {
    return endAll(
        "UPDATE task SET state = 'EXPIRED', finished_at = now(), error_code = 'expired',"
            + " error_message = 'Not started before ' || to_char(expires_at AT TIME ZONE 'UTC',"
            + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), notice_pending = (reply_to IS NOT NULL)"
            + " WHERE id IN (SELECT id FROM task WHERE state = 'QUEUED' AND expires_at <= now()"
            + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED) AND state = 'QUEUED'"
            + " RETURNING *",
        batch);
  }

  /**
   * RUNNING tasks whose lease ran out on their last allowed attempt end FAILED instead of running
   * again: a task that kills or hangs its worker every time must not cycle forever.
   */
  public int failExhaustedLeases(int maxAttempts, int batch) {
    return endAll(
        "UPDATE task SET state = 'FAILED', finished_at = now(), lease_expires_at = NULL,"
            + " error_code = 'lease_expired', error_message = 'The worker running attempt '"
            + " || attempts || ' (' || coalesce(node_id, '?') || ') stopped reporting; no attempts left',"
            + " notice_pending = true"
            + " WHERE id IN (SELECT id FROM task WHERE state = 'RUNNING' AND lease_expires_at < now()"
            + " AND attempts - preemptions - deferrals >= ? ORDER BY lease_expires_at LIMIT ?"
            + " FOR UPDATE SKIP LOCKED) AND state = 'RUNNING' RETURNING *",
        maxAttempts,
        batch);
  }

  /**
   * RUNNING tasks whose lease ran out (their worker died or hung) and that have attempts left go
   * back to QUEUED, keeping their age and attempt count, with a new token after the commit.
   */
  public List<TokenOwed> requeueExpiredLeases(int maxAttempts, int batch) {
    return sql.statement(
        u -> {
          List<TokenOwed> requeued =
              TokenRenewals.owed(
                  u,
                  "UPDATE task SET state = 'QUEUED', node_id = NULL, lease_expires_at = NULL,"
                      + " dispatched_at = NULL"
                      + " WHERE id IN (SELECT id FROM task WHERE state = 'RUNNING'"
                      + " AND lease_expires_at < now() AND attempts - preemptions - deferrals < ?"
                      + " ORDER BY lease_expires_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                      + " AND state = 'RUNNING' RETURNING id, priority, dispatch_priority",
                  maxAttempts,
                  batch);
          requeued.forEach(t -> u.send(t.token()));
          return requeued;
        });
  }

  /**
   * Sends again what ended tasks still owe (a reply, a dead-letter copy) when the broker never
   * confirmed it within {@code graceSeconds}: their server died after the commit, or the broker was
   * away.
   */
  public int resendNotices(int graceSeconds, int batch) {
    return sql.statement(
        u -> {
          int n = 0;
          try (PreparedStatement s =
              u.prepare(
                  "SELECT * FROM task WHERE notice_pending"
                      + " AND finished_at < now() - make_interval(secs => ?)"
                      + " ORDER BY finished_at LIMIT ?")) {
            s.setInt(1, graceSeconds);
            s.setInt(2, batch);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                List<Outgoing> notices = TaskNotices.of(Task.fromRow(rs));
                if (!notices.isEmpty()) {
                  relay.submit(notices);
                  n++;
                }
              }
            }
          }
          return n;
        });
  }

  /**
   * Waiting tasks whose dependencies have all ended but that are still blocked: their last
   * dependency's server died between storing its outcome and releasing them. Released (or failed,
   * when a dependency did not succeed) as the outcome would have.
   */
  public int repairBlocked(int batch) {
    return sql.transaction(
        u -> {
          List<UUID> ended = new ArrayList<>();
          try (PreparedStatement s =
              u.prepare(
                  "SELECT DISTINCT dep.id FROM task t JOIN task_dependency d ON d.task_id = t.id"
                      + " JOIN task dep ON dep.id = d.depends_on"
                      + " WHERE t.state = 'QUEUED' AND t.blocked"
                      + " AND t.created_at < now() - interval '10 seconds'"
                      + " AND dep.state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED')"
                      + " AND NOT EXISTS (SELECT 1 FROM task_dependency d2 JOIN task o"
                      + " ON o.id = d2.depends_on WHERE d2.task_id = t.id"
                      + " AND o.state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED'))"
                      + " LIMIT ?")) {
            s.setInt(1, batch);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                ended.add(rs.getObject(1, UUID.class));
              }
            }
          }
          for (UUID id : ended) {
            try (PreparedStatement s = u.prepare("SELECT * FROM task WHERE id = ?")) {
              s.setObject(1, id);
              try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                  // Only what follows the end: the dependency's own notices went with its outcome.
                  Task dependency = Task.fromRow(rs);
                  ends.releaseOrFailDependents(u, dependency);
                }
              }
            }
          }
          return ended.size();
        });
  }

  /**
   * Deletes up to {@code batch} terminal tasks that ended more than {@code hours} ago (their
   * dependency rows go with them; children keep running without their parent link). Returns how
   * many.
   */
  public int purgeEnded(double hours, int batch) {
    return sql.statement(
        u -> {
          try (PreparedStatement s =
              u.prepare(
                  "DELETE FROM task WHERE id IN (SELECT id FROM task"
                      + " WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'EXPIRED')"
                      + " AND finished_at < now() - make_interval(secs => ?) AND NOT notice_pending"
                      + " ORDER BY finished_at LIMIT ?)")) {
            s.setDouble(1, hours * 3600);
            s.setInt(2, batch);
            return s.executeUpdate();
          }
        });
  }

  /**
   * Re-dispatches, at the higher priority, waiting tasks that aging has lifted: the oldest {@code
   * batch} accepted more than one aging step ago whose token is below the ceiling. Returns the
   * extra tokens sent, by level, for the metrics.
   */
  public List<Priority> promoteAged(AgingPolicy aging, int batch) {
    return sql.transaction(
        u -> {
          Instant now = Instant.now();
          List<UUID> ids = new ArrayList<>();
          List<Integer> raisedTo = new ArrayList<>();
          List<String> reasons = new ArrayList<>();
          List<Priority> levels = new ArrayList<>();
          try (PreparedStatement s =
              u.prepare(
                  "SELECT id, priority, dispatch_priority, created_at FROM task WHERE state = 'QUEUED'"
                      + " AND NOT blocked AND created_at < ? AND dispatch_priority < ?"
                      + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
            s.setObject(1, OffsetDateTime.ofInstant(now.minus(aging.step()), ZoneOffset.UTC));
            s.setInt(2, aging.ceiling());
            s.setInt(3, batch);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                Priority level = Priority.valueOf(rs.getString(2));
                Instant accepted = rs.getObject(4, OffsetDateTime.class).toInstant();
                int effective = aging.effectivePriority(level, accepted, now);
                if (effective > rs.getInt(3)) {
                  ids.add(rs.getObject(1, UUID.class));
                  raisedTo.add(effective);
                  reasons.add(aging.reason(level, accepted, now));
                  levels.add(level);
                }
              }
            }
          }
          if (ids.isEmpty()) {
            return List.of();
          }
          try (PreparedStatement s =
              u.prepare(
                  // An extra token: dispatched_at keeps saying whether the first one is confirmed.
                  "UPDATE task t SET dispatch_priority = r.p, priority_reason = r.why"
                      + " FROM unnest(?::uuid[], ?::int[], ?::text[]) AS r(id, p, why)"
                      + " WHERE t.id = r.id AND t.state = 'QUEUED' AND t.dispatch_priority < r.p")) {
            s.setArray(1, u.connection().createArrayOf("uuid", ids.toArray()));
            s.setArray(2, u.connection().createArrayOf("int4", raisedTo.toArray()));
            s.setArray(3, u.connection().createArrayOf("text", reasons.toArray()));
            s.executeUpdate();
          }
          for (int i = 0; i < ids.size(); i++) {
            u.send(Outgoing.extraToken(ids.get(i), levels.get(i), raisedTo.get(i), 0));
          }
          return levels;
        });
  }

  private int endAll(String update, Object... parameters) {
    return sql.statement(
        u -> {
          int n = 0;
          List<Task> tasks = new ArrayList<>();
          List<Boolean> dependents = new ArrayList<>();
          try (PreparedStatement s = u.prepare(update)) {
            for (int i = 0; i < parameters.length; i++) {
              s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                tasks.add(Task.fromRow(rs));
                dependents.add(rs.getBoolean("has_dependents"));
                n++;
              }
            }
          }
          for (int i = 0; i < tasks.size(); i++) {
            endedLater(u, tasks.get(i), dependents.get(i));
          }
          return n;
        });
  }

  /**
   * Notices and after-commit work go with this statement's commit; dependents, which take
   * statements of their own, in a transaction after it (repairBlocked covers a crash between).
   */
  private void endedLater(Unit u, Task t, boolean hasDependents) throws SQLException {
    ends.ended(u, t, false);
    if (hasDependents) {
      u.afterCommit(
          () ->
              sql.transaction(
                  v -> {
                    ends.releaseOrFailDependents(v, t);
                    return null;
                  }));
    }
  }
}
