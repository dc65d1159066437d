package io.renqueue.tasks;

import io.renqueue.dispatch.Outgoing;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.storage.DirectSql;
import io.renqueue.storage.Unit;
import io.renqueue.tenancy.FairShareCounters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Records how an attempt ended, each as one guarded statement under the claim's fence (the attempt
 * number): a result is stored only while the task is still RUNNING under that attempt, so a worker
 * that lost its lease cannot overwrite the next owner. The statement also corrects the tenant's
 * fair-share charge, and returns the row, so nothing is read back. What the end owes others
 * (dependents, notices, the waiting caller) follows in {@link TaskEnds}.
 */
@ApplicationScoped
public class TaskOutcomes {

  private static final Logger LOG = Logger.getLogger(TaskOutcomes.class.getName());

  /** A charge of {@code tokens / weight} (an SQL expression over {@code d}) to d's tenant. */
  private static String charge(String tokens) {
    return " charged AS (INSERT INTO tenant_share (tenant_id, shard, virtual_tokens)"
        + " SELECT d.tenant_id, ?, ("
        + tokens
        + ") / n.weight FROM done d JOIN tenant n ON n.id = d.tenant_id"
        + " ON CONFLICT (tenant_id, shard) DO UPDATE"
        + " SET virtual_tokens = tenant_share.virtual_tokens + EXCLUDED.virtual_tokens)";
  }

  /** The estimate charged at the claim, given back when the attempt does not count as service. */
  private static final String REFUND = charge("-d.estimated_tokens");

  @Inject DirectSql sql;
  @Inject TaskEnds ends;
  @Inject TaskMetrics metrics;

  /** RUNNING (under this fence) → SUCCEEDED with the result. False when the claim was lost. */
  public boolean succeed(UUID id, int fence, TaskResult result) {
    TaskResult r = result.storable();
    Optional<Ended> ended =
        sql.statement(
            u -> {
              try (PreparedStatement s =
                  u.prepare(
                      "WITH done AS (UPDATE task SET state = 'SUCCEEDED', finished_at = now(),"
                          + " lease_expires_at = NULL, backend = ?, result_text = ?,"
                          + " finish_reason = ?, prompt_tokens = ?, completion_tokens = ?,"
                          + " latency_ms = ?, cost_usd = ?, routing_trace = coalesce(?, routing_trace),"
                          + " not_before = NULL, waiting_reason = NULL, continuation = ?,"
                          + " degraded_to = ?, notice_pending = (reply_to IS NOT NULL)"
                          + " WHERE id = ? AND attempts = ? AND state = 'RUNNING' RETURNING *),"
                          + charge(
                              "CASE WHEN d.prompt_tokens IS NULL THEN 0 ELSE d.prompt_tokens"
                                  + " + coalesce(d.completion_tokens, 0) - d.estimated_tokens END")
                          + " SELECT * FROM done")) {
                s.setString(1, r.backend());
                s.setString(2, r.text());
                s.setString(3, r.finishReason());
                s.setObject(4, r.promptTokens());
                s.setObject(5, r.completionTokens());
                s.setObject(6, r.latencyMs());
                s.setObject(7, r.costUsd());
                s.setString(8, r.routingTrace());
                s.setString(9, r.continuation());
                s.setString(10, r.degradedTo());
                s.setObject(11, id);
                s.setInt(12, fence);
                s.setShort(13, FairShareCounters.shard());
                return endedBy(u, s);
              }
            });
    return finishedUnderFence(ended, id, fence, "Result");
  }

  /** RUNNING (under this fence) → FAILED with the reason. False when the claim was lost. */
  public boolean fail(
      UUID id, int fence, String code, String message, String lastBackend, String trace) {
    Optional<Ended> ended =
        sql.statement(
            u -> {
              try (PreparedStatement s =
                  u.prepare(
                      "UPDATE task SET state = 'FAILED', finished_at = now(), lease_expires_at = NULL,"
                          + " error_code = ?, error_message = ?, backend = ?, waiting_reason = NULL,"
                          + " routing_trace = coalesce(?, routing_trace),"
                          + " notice_pending = (reply_to IS NOT NULL OR ?)"
                          + " WHERE id = ? AND attempts = ? AND state = 'RUNNING' RETURNING *")) {
                s.setString(1, code);
                s.setString(2, message);
                s.setString(3, lastBackend);
                s.setString(4, trace);
                s.setBoolean(5, !"dependency_failed".equals(code));
                s.setObject(6, id);
                s.setInt(7, fence);
                return endedBy(u, s);
              }
            });
    return finishedUnderFence(ended, id, fence, "Failure");
  }

  /** A task that ended, and whether tasks depend on it. */
  private record Ended(Task task, boolean hasDependents) {}

  private Optional<Ended> endedBy(Unit u, PreparedStatement s) throws SQLException {
    try (ResultSet rs = s.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      Ended e = new Ended(Task.fromRow(rs), rs.getBoolean("has_dependents"));
      if (!e.hasDependents()) {
        // All that follows fits in this statement's commit: notices and after-commit work.
        ends.ended(u, e.task(), false);
      }
      return Optional.of(e);
    }
  }

  private boolean finishedUnderFence(Optional<Ended> ended, UUID id, int fence, String what) {
    if (ended.isEmpty()) {
      LOG.warning(
          () ->
              what
                  + " of task "
                  + id
                  + " (attempt "
                  + fence
                  + ") discarded: the task is no longer running under that attempt");
      return false;
    }
    if (ended.get().hasDependents()) {
      // Releasing or failing dependents takes statements of their own, in one transaction after
      // the outcome's; if this server dies in between, the sweep releases them (TaskRepairs).
      sql.transaction(
          u -> {
            ends.ended(u, ended.get().task(), true);
            return null;
          });
    }
    return true;
  }

  /** QUEUED → CANCELLED for a client of the task's tenant. */
  public CancelOutcome cancel(UUID id, String tenant) {
    return sql.transaction(
        u -> {
          try (PreparedStatement s =
              u.prepare(
                  "UPDATE task SET state = 'CANCELLED', finished_at = now(),"
                      + " notice_pending = (reply_to IS NOT NULL)"
                      + " WHERE id = ? AND tenant_id = ? AND state = 'QUEUED' RETURNING *")) {
            s.setObject(1, id);
            s.setString(2, tenant);
            try (ResultSet rs = s.executeQuery()) {
              if (rs.next()) {
                Task t = Task.fromRow(rs);
                ends.ended(u, t, rs.getBoolean("has_dependents"));
                return new CancelOutcome(CancelOutcome.Result.CANCELLED, t);
              }
            }
          }
          try (PreparedStatement s =
              u.prepare("SELECT * FROM task WHERE id = ? AND tenant_id = ?")) {
            s.setObject(1, id);
            s.setString(2, tenant);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next()
                  ? new CancelOutcome(CancelOutcome.Result.NOT_CANCELLABLE, Task.fromRow(rs))
                  : new CancelOutcome(CancelOutcome.Result.NOT_FOUND, null);
            }
          }
        });
  }

  /** A preempted task goes back to the queue with a new token; false when its claim was lost. */
  public boolean requeuePreempted(UUID id, int fence) {
    Optional<Priority> requeued =
        backToQueue(id, fence, "preemptions = preemptions + 1", null, null, 0);
    requeued.ifPresent(
        priority -> {
          metrics.preempted(priority);
          LOG.info(
              () ->
                  "Task "
                      + id
                      + " (attempt "
                      + fence
                      + ") preempted for more urgent work; queued again");
        });
    return requeued.isPresent();
  }

  /**
   * A task no backend can take now goes back to the queue until {@code notBefore}, with a token the
   * broker delivers then; its wait and the reason are visible on the task. Not an attempt.
   */
  public boolean defer(UUID id, int fence, Instant notBefore, String reason, String trace) {
    return waitUntil(id, fence, notBefore, reason, trace, "deferrals = deferrals + 1");
  }

  /**
   * An attempt that failed, with attempts left: back to the queue until {@code notBefore} like a
   * deferred one, but the attempt counts.
   */
  public boolean retryLater(UUID id, int fence, Instant notBefore, String reason, String trace) {
    boolean queued = waitUntil(id, fence, notBefore, reason, trace, "deferrals = deferrals");
    if (queued) {
      metrics.retried();
    }
    return queued;
  }

  private boolean waitUntil(
      UUID id, int fence, Instant notBefore, String reason, String trace, String counting) {
    // A little late rather than early: a token that arrives before not_before (clocks of the
    // worker, the broker and the database differ slightly) finds nothing to claim.
    long delay = Math.max(0, notBefore.toEpochMilli() - System.currentTimeMillis()) + 500;
    boolean queued =
        backToQueue(
                id,
                fence,
                counting
                    + ", not_before = ?, waiting_reason = ?, routing_trace = coalesce(?, routing_trace)",
                new Object[] {
                  java.time.OffsetDateTime.ofInstant(notBefore, java.time.ZoneOffset.UTC),
                  reason,
                  trace
                },
                null,
                delay)
            .isPresent();
    if (queued) {
      LOG.info(() -> "Task " + id + " waits until " + notBefore + ": " + reason);
    }
    return queued;
  }

  /**
   * A stopping worker gives a running task back through the database alone (the broker may be gone
   * already): QUEUED with no token, which the sweep sends. Not a failure.
   */
  public boolean handBack(UUID id, int fence, String reason) {
    boolean queued =
        backToQueue(
                id,
                fence,
                "deferrals = deferrals + 1, not_before = now(), waiting_reason = ?",
                new Object[] {reason},
                "no token",
                0)
            .isPresent();
    if (queued) {
      LOG.info(() -> "Task " + id + " handed back (attempt " + fence + "): " + reason);
    }
    return queued;
  }

  /**
   * RUNNING (under this fence) → QUEUED, the claim's estimate refunded, {@code dispatched_at}
   * cleared (this wait's token is not on the broker yet) and, unless {@code noToken}, the token
   * sent after the commit. Returns the task's level, or empty when the claim was lost.
   */
  private Optional<Priority> backToQueue(
      UUID id, int fence, String changes, Object[] values, String noToken, long delayMillis) {
    return sql.statement(
        u -> {
          try (PreparedStatement s =
              u.prepare(
                  "WITH done AS (UPDATE task SET state = 'QUEUED', node_id = NULL,"
                      + " lease_expires_at = NULL, dispatched_at = NULL, "
                      + changes
                      + " WHERE id = ? AND attempts = ? AND state = 'RUNNING' RETURNING *),"
                      + REFUND
                      + " SELECT id, priority, dispatch_priority FROM done")) {
            int i = 1;
            for (Object v : values == null ? new Object[0] : values) {
              s.setObject(i++, v);
            }
            s.setObject(i++, id);
            s.setInt(i++, fence);
            s.setShort(i, FairShareCounters.shard());
            try (ResultSet rs = s.executeQuery()) {
              if (!rs.next()) {
                return Optional.<Priority>empty();
              }
              Priority priority = Priority.valueOf(rs.getString(2));
              if (noToken == null) {
                u.send(Outgoing.token(id, priority, rs.getInt(3), delayMillis));
              }
              return Optional.of(priority);
            }
          }
        });
  }
}
