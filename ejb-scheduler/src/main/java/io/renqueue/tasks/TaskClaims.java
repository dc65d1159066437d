package io.renqueue.tasks;

import io.renqueue.storage.DirectSql;
import io.renqueue.tenancy.FairShareCounters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a free worker slot takes its next task: one statement picks the waiting task that comes first
 * in the fair-share order (highest dispatch priority, then the tenant with the lowest counter, then
 * the oldest), claims it with a lease on the database clock and charges its tenant the task's
 * estimated tokens. A dispatch token wakes a slot; which task it runs is decided here, so tokens
 * never need to arrive in order. Slots claiming at the same instant may pick the same tenant before
 * they see each other's charge; they then take its next tasks (SKIP LOCKED), so the order is exact
 * up to one task per concurrent slot.
 */
@ApplicationScoped
public class TaskClaims {

  /** Rounds of "pick the next tenant, try to claim its task" before a slot gives its token up. */
  static final int CLAIM_ROUNDS = 64;

  private static final String CLAIMABLE =
      " q.state = 'QUEUED' AND NOT q.blocked"
          + " AND (q.expires_at IS NULL OR q.expires_at > now())"
          + " AND (q.not_before IS NULL OR q.not_before <= now())"
          + " AND NOT (q.model = ANY (?))";

  /** Parameters: leave, skip, leave, node, lease seconds, shard. */
  static final String CLAIM =
      "WITH head AS (SELECT n.id AS tenant, h.dispatch_priority FROM tenant n CROSS JOIN LATERAL"
          + " (SELECT q.dispatch_priority, q.created_at FROM task q WHERE q.tenant_id = n.id AND"
          + CLAIMABLE
          + " ORDER BY q.dispatch_priority DESC, q.created_at LIMIT 1) h"
          + " WHERE NOT (n.id = ANY (?))"
          + " ORDER BY h.dispatch_priority DESC, "
          + FairShareCounters.counter("n")
          + ", h.created_at LIMIT 1),"
          // LATERAL with the head's tenant and level as equalities, so the pick walks that
          // tenant's part of task_dispatch_order instead of every waiting task by age.
          + " pick AS (SELECT p.id FROM head CROSS JOIN LATERAL (SELECT q.id FROM task q"
          + " WHERE q.tenant_id = head.tenant AND q.dispatch_priority = head.dispatch_priority"
          + " AND"
          + CLAIMABLE
          + " ORDER BY q.dispatch_priority DESC, q.created_at LIMIT 1 FOR UPDATE OF q SKIP LOCKED) p),"
          + " claimed AS (UPDATE task t SET state = 'RUNNING', node_id = ?, started_at = now(),"
          + " preempt_requested_at = NULL, attempts = t.attempts + 1,"
          + " lease_expires_at = now() + make_interval(secs => ?)"
          + " FROM pick WHERE t.id = pick.id AND t.state = 'QUEUED' RETURNING t.*),"
          + " charged AS (INSERT INTO tenant_share (tenant_id, shard, virtual_tokens)"
          + " SELECT c.tenant_id, ?, c.estimated_tokens / n.weight FROM claimed c"
          + " JOIN tenant n ON n.id = c.tenant_id ON CONFLICT (tenant_id, shard) DO UPDATE"
          + " SET virtual_tokens = tenant_share.virtual_tokens + EXCLUDED.virtual_tokens)"
          + " SELECT head.tenant AS head_tenant, claimed.* FROM head LEFT JOIN claimed ON true";

  @Inject DirectSql sql;

  /**
   * QUEUED → RUNNING for this node: the waiting task that comes first. Empty when nothing is
   * waiting (a duplicate or surplus token).
   *
   * @param leaveToOthers models whose tasks this node leaves to the workers that have them loaded
   *     ({@code Placement})
   * @throws TaskNotVisibleException every round lost to another slot's claim: the token is
   *     redelivered rather than dropped while work waits
   */
  public Optional<ClaimedTask> claimNext(
      String node, int leaseSeconds, List<String> leaveToOthers) {
    return sql.statement(
        u -> {
          Connection c = u.connection();
          List<String> skipped = new ArrayList<>();
          try (PreparedStatement s = c.prepareStatement(CLAIM)) {
            for (int round = 0; round < CLAIM_ROUNDS; round++) {
              s.setArray(1, c.createArrayOf("text", leaveToOthers.toArray()));
              s.setArray(2, c.createArrayOf("text", skipped.toArray()));
              s.setArray(3, c.createArrayOf("text", leaveToOthers.toArray()));
              s.setString(4, node);
              s.setInt(5, leaseSeconds);
              s.setShort(6, FairShareCounters.shard());
              try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                  if (skipped.isEmpty()) {
                    return Optional.empty();
                  }
                  // Everything still waiting is being claimed by other slots right now. Their
                  // claims commit within milliseconds; dropping this token instead could leave a
                  // waiting task without one. Look again at every tenant.
                  skipped.clear();
                  continue;
                }
                if (rs.getObject("id") != null) {
                  Task task = Task.fromRow(rs);
                  return Optional.of(new ClaimedTask(task, task.getAttempts()));
                }
                // Other slots hold that tenant's waiting tasks at this priority (their claims are
                // not committed yet, so it still looks first): try the next tenant.
                skipped.add(rs.getString("head_tenant"));
              }
            }
          }
          throw TaskNotVisibleException.contended(CLAIM_ROUNDS);
        });
  }
}
