package io.renqueue.tasks;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * Which waiting tasks need a dispatch token (again): the queue's head, tasks never sent one, tasks
 * whose token is old, and tasks that wait while slots are idle. A token may arrive twice or never;
 * these are how the sweep and the workers make up for the "never". Each renewal sets {@code
 * dispatched_at} and returns (id, priority, dispatch_priority) for the new token.
 */
@Stateless
public class TokenRenewals {

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  /**
   * QUEUED tasks whose last dispatch token is older than {@code seconds} get their dispatch time
   * renewed; returns (id, priority) of each so a new token can be sent. Covers tokens lost to the
   * dead-letter queue or a purge.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> renewStaleDispatches(int seconds, int batch) {
    return em.createNativeQuery(
            "UPDATE task SET dispatched_at = now()"
                + " WHERE id IN (SELECT id FROM task WHERE state = 'QUEUED' AND NOT blocked"
                + " AND dispatched_at < now() - make_interval(secs => ?1)"
                + " ORDER BY dispatched_at LIMIT ?2 FOR UPDATE SKIP LOCKED)"
                + " AND state = 'QUEUED' RETURNING id, priority, dispatch_priority")
        .setParameter(1, seconds)
        .setParameter(2, batch)
        .getResultList();
  }

  /**
   * QUEUED tasks that were never sent a token ({@link #handBack}): their dispatch time is set and
   * (id, priority, dispatch_priority) returned, so the sweep can send one.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> renewUndispatched(int batch) {
    return em.createNativeQuery(
            "WITH missing AS MATERIALIZED (SELECT id FROM task WHERE state = 'QUEUED'"
                + " AND dispatched_at IS NULL AND NOT blocked LIMIT ?1 FOR UPDATE SKIP LOCKED)"
                + " UPDATE task t SET dispatched_at = now() FROM missing"
                + " WHERE t.id = missing.id AND t.state = 'QUEUED'"
                + " RETURNING t.id, t.priority, t.dispatch_priority")
        .setParameter(1, batch)
        .getResultList();
  }

  /**
   * The most urgent tasks that could be claimed now and whose last token is older than {@code
   * seconds}, up to {@code limit}: their dispatch time is renewed and (id, priority,
   * dispatch_priority) returned, so new tokens can wake idle slots that the old ones never reached.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> renewStalledHead(int seconds, int limit) {
    // A materialized CTE, not "id IN (subquery … LIMIT)": PostgreSQL may rescan such a subquery
    // for each row and, skipping the rows it just updated, go past the limit (seen in the ITs:
    // a dozen tokens for one idle slot).
    return em.createNativeQuery(
            "WITH stalled AS MATERIALIZED (SELECT id FROM task WHERE state = 'QUEUED'"
                + " AND NOT blocked"
                + " AND (not_before IS NULL OR not_before <= now())"
                + " AND (expires_at IS NULL OR expires_at > now())"
                // A deferred task's token arrives just after not_before: count from then.
                + " AND greatest(dispatched_at, not_before) < now() - make_interval(secs => ?1)"
                + " ORDER BY dispatch_priority DESC, created_at LIMIT ?2 FOR UPDATE SKIP LOCKED)"
                + " UPDATE task t SET dispatched_at = now() FROM stalled"
                + " WHERE t.id = stalled.id AND t.state = 'QUEUED'"
                + " RETURNING t.id, t.priority, t.dispatch_priority")
        .setParameter(1, seconds)
        .setParameter(2, limit)
        .getResultList();
  }

  /** The most urgent tasks waiting to be claimed now: (id, priority, dispatch_priority). */
  @SuppressWarnings("unchecked")
  public List<Object[]> queueHead(int limit) {
    return em.createNativeQuery(
            "SELECT id, priority, dispatch_priority FROM task WHERE state = 'QUEUED' AND NOT blocked"
                + " AND (not_before IS NULL OR not_before <= now())"
                + " AND (expires_at IS NULL OR expires_at > now())"
                + " ORDER BY dispatch_priority DESC, created_at LIMIT ?1")
        .setParameter(1, limit)
        .getResultList();
  }
}
