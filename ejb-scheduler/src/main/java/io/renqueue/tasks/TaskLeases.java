package io.renqueue.tasks;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.UUID;

/**
 * The leases of running tasks, on the database clock: renewed by their worker, ended for a dead or
 * restarted node, extended after a database outage, and what the sweep does with expired ones.
 */
@Stateless
public class TaskLeases {

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  /**
   * RUNNING tasks whose lease ran out (their worker died or hung) and that have attempts left go
   * back to QUEUED, keeping their age and attempt count. Returns (id, priority) of each, to be
   * dispatched again.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> requeueExpiredLeases(int maxAttempts, int batch) {
    return em.createNativeQuery(
            "UPDATE task SET state = 'QUEUED', node_id = NULL, lease_expires_at = NULL,"
                + " dispatched_at = now()"
                + " WHERE id IN (SELECT id FROM task WHERE state = 'RUNNING' AND lease_expires_at < now()"
                + " AND attempts - preemptions - deferrals < ?1 ORDER BY lease_expires_at LIMIT ?2 FOR UPDATE SKIP LOCKED)"
                + " AND state IN ("
                + TaskStore.sources(TaskState.QUEUED)
                + ") RETURNING id, priority, dispatch_priority")
        .setParameter(1, maxAttempts)
        .setParameter(2, batch)
        .getResultList();
  }

  /**
   * RUNNING tasks whose lease ran out on their last allowed attempt end FAILED instead of running
   * again: a task that kills or hangs its worker every time must not cycle forever.
   */
  @SuppressWarnings("unchecked")
  public List<UUID> failExhaustedLeases(int maxAttempts, int batch) {
    return em.createNativeQuery(
            "UPDATE task SET state = 'FAILED', finished_at = now(), lease_expires_at = NULL,"
                + " error_code = 'lease_expired', error_message = 'The worker running attempt '"
                + " || attempts || ' (' || coalesce(node_id, '?') || ') stopped reporting; no attempts left'"
                + " WHERE id IN (SELECT id FROM task WHERE state = 'RUNNING' AND lease_expires_at < now()"
                + " AND attempts - preemptions - deferrals >= ?1 ORDER BY lease_expires_at LIMIT ?2 FOR UPDATE SKIP LOCKED)"
                + " AND state IN ("
                + TaskStore.sources(TaskState.FAILED)
                + ") RETURNING id")
        .setParameter(1, maxAttempts)
        .setParameter(2, batch)
        .getResultList();
  }

  /**
   * Ends the leases of every task this node holds. Called when a worker starts: it runs nothing
   * yet, so whatever the database says it runs was lost with its previous life; the next sweep
   * requeues those tasks (or fails them when out of attempts) instead of waiting for the leases.
   */
  /**
   * Extends the lease of a task this node still runs under this fence, on the database clock. False
   * when the task is no longer this attempt's (its lease ran out and it moved on).
   */
  public boolean renewLease(UUID id, int fence, String node, int leaseSeconds) {
    return em.createNativeQuery(
                "UPDATE task SET lease_expires_at = now() + make_interval(secs => ?4)"
                    + " WHERE id = ?1 AND attempts = ?2 AND node_id = ?3 AND state = 'RUNNING'")
            .setParameter(1, id)
            .setParameter(2, fence)
            .setParameter(3, node)
            .setParameter(4, leaseSeconds)
            .executeUpdate()
        == 1;
  }

  /** Gives every running task at least {@code seconds} of lease from now (after an outage). */
  public int extendRunningLeases(int seconds) {
    return em.createNativeQuery(
            "UPDATE task SET lease_expires_at ="
                + " greatest(lease_expires_at, now() + make_interval(secs => ?1))"
                + " WHERE state = 'RUNNING'")
        .setParameter(1, seconds)
        .executeUpdate();
  }

  public int expireLeasesOf(String node) {
    return em.createNativeQuery(
            // In the past even within this transaction (now() is its start), so a sweep that
            // ends the leases requeues the tasks in the same run.
            "UPDATE task SET lease_expires_at = now() - interval '1 second'"
                + " WHERE node_id = ?1 AND state = 'RUNNING'")
        .setParameter(1, node)
        .executeUpdate();
  }
}
