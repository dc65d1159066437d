package io.renqueue.tasks;

import io.renqueue.tenancy.FairShareCounters;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * How a free worker slot takes its next task: the dispatch order of {@code FairShare} in SQL, with
 * the claim itself a guarded UPDATE so that of two slots exactly one gets a task.
 */
@Stateless
public class TaskClaims {

  /** Rounds of "pick the next task, try to claim it" before a slot gives its token up. */
  private static final int CLAIM_ROUNDS = 64;

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @EJB private FairShareCounters counters;

  /**
   * QUEUED → RUNNING for this node: the waiting task that comes first in the fair-share order
   * ({@code FairShare}) — highest dispatch priority, then the tenant with the lowest counter, then
   * the oldest — with a lease measured on the database clock, and its tenant charged the task's
   * estimated tokens. A dispatch token wakes a slot; which task the slot runs is decided here, so
   * tokens never need to arrive in order. Slots claiming at the same instant may pick the same
   * tenant before they see each other's charge; they then take its next tasks (SKIP LOCKED), so the
   * order is exact up to one task per concurrent slot. Empty when nothing is waiting (a duplicate
   * or surplus token).
   *
   * @param token the task the dispatch token was sent for
   * @param leaveToOthers models whose tasks this node leaves to the workers that have them loaded
   *     ({@code Placement})
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public Optional<ClaimedTask> claimNext(
      UUID token, String node, int leaseSeconds, List<String> leaveToOthers) {
    String leave = String.join(",", leaveToOthers);
    StringBuilder skipped = new StringBuilder();
    for (int round = 0; round < CLAIM_ROUNDS; round++) {
      Optional<Object[]> head = nextTenantAndPriority(skipped.toString(), leave);
      if (head.isEmpty()) {
        if (skipped.isEmpty()) {
          return nothingWaiting(token);
        }
        // Everything still waiting is being claimed by other slots right now. Their claims
        // commit within milliseconds; dropping this token instead would leave a waiting task
        // without one. Look again at every tenant.
        skipped.setLength(0);
        continue;
      }
      String tenant = (String) head.get()[0];
      Optional<Object[]> claimed =
          claimOldest(tenant, ((Number) head.get()[1]).intValue(), node, leaseSeconds, leave);
      if (claimed.isPresent()) {
        UUID id = (UUID) claimed.get()[0];
        Task task = em.find(Task.class, id);
        counters.charge(tenant, ((Number) claimed.get()[1]).longValue());
        return Optional.of(new ClaimedTask(task, task.getAttempts()));
      }
      // Other slots hold that tenant's waiting tasks at this priority (their claims are not
      // committed yet, so it still looks first): try the next tenant.
      skipped.append(skipped.isEmpty() ? "" : ",").append(tenant);
    }
    // Each lost round was another slot's claim, so work moves; keep the token for a task still
    // waiting rather than dropping it.
    throw TaskNotVisibleException.contended(CLAIM_ROUNDS);
  }

  /** Nothing to claim: a duplicate or surplus token, unless its own task is not visible yet. */
  private Optional<ClaimedTask> nothingWaiting(UUID token) {
    if (em.find(Task.class, token) == null) {
      // The two-phase commit may deliver the token before PostgreSQL's COMMIT PREPARED is
      // visible: refuse the token so the broker redelivers it a second later.
      throw new TaskNotVisibleException(token);
    }
    return Optional.empty();
  }

  /**
   * (tenant, dispatch priority) of the waiting task that comes first in the fair-share order: the
   * head of each tenant's queue from the dispatch index, then the order across tenants. No locks.
   */
  @SuppressWarnings("unchecked")
  private Optional<Object[]> nextTenantAndPriority(String skipTenants, String leave) {
    List<Object[]> head =
        em.createNativeQuery(
                "SELECT n.id, head.dispatch_priority FROM tenant n CROSS JOIN LATERAL"
                    + " (SELECT q.dispatch_priority, q.created_at FROM task q"
                    + " WHERE q.tenant_id = n.id AND q.state = 'QUEUED' AND NOT q.blocked"
                    + " AND (q.expires_at IS NULL OR q.expires_at > now())"
                    + " AND (q.not_before IS NULL OR q.not_before <= now())"
                    + " AND NOT (q.model = ANY (string_to_array(?2, ',')))"
                    + " ORDER BY q.dispatch_priority DESC, q.created_at LIMIT 1) head"
                    + " WHERE NOT (n.id = ANY (string_to_array(?1, ',')))"
                    + " ORDER BY head.dispatch_priority DESC, "
                    + FairShareCounters.counter("n")
                    + ", head.created_at LIMIT 1")
            .setParameter(1, skipTenants)
            .setParameter(2, leave)
            .getResultList();
    return head.stream().findFirst();
  }

  /**
   * Claims the tenant's oldest waiting task at that priority that no other slot is claiming (SKIP
   * LOCKED: concurrent slots take different tasks instead of queueing on one row). Returns (id,
   * estimated_tokens), or empty when another slot took the last one.
   */
  @SuppressWarnings("unchecked")
  private Optional<Object[]> claimOldest(
      String tenant, int dispatchPriority, String node, int leaseSeconds, String leave) {
    List<Object[]> rows =
        em.createNativeQuery(
                "UPDATE task SET state = 'RUNNING', node_id = ?1, started_at = now(),"
                    + " preempt_requested_at = NULL,"
                    + " attempts = attempts + 1, lease_expires_at = now() + make_interval(secs => ?2)"
                    + " WHERE id = (SELECT q.id FROM task q WHERE q.tenant_id = ?3"
                    + " AND q.dispatch_priority = ?4 AND q.state = 'QUEUED' AND NOT q.blocked"
                    + " AND (q.expires_at IS NULL OR q.expires_at > now())"
                    + " AND (q.not_before IS NULL OR q.not_before <= now())"
                    + " AND NOT (q.model = ANY (string_to_array(?5, ',')))"
                    + " ORDER BY q.created_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
                    + " AND state IN ("
                    + TaskStore.sources(TaskState.RUNNING)
                    + ") RETURNING id, estimated_tokens")
            .setParameter(1, node)
            .setParameter(2, leaseSeconds)
            .setParameter(3, tenant)
            .setParameter(4, dispatchPriority)
            .setParameter(5, leave)
            .getResultList();
    return rows.stream().findFirst();
  }
}
