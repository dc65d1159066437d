package io.renqueue.tasks;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads tasks for the API and the scheduler's views, through JPA. The per-task writes are plain SQL
 * elsewhere ({@link TaskClaims}, {@link TaskOutcomes}, {@link TaskSweepRules}); each is one guarded
 * UPDATE whose WHERE clause names the states it may come from ({@link TaskState#sourcesOf}), so the
 * database decides the race.
 */
@Stateless
public class TaskStore {

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  public Optional<Task> find(UUID id) {
    return Optional.ofNullable(em.find(Task.class, id));
  }

  public Optional<Task> find(UUID id, String tenant) {
    return find(id).filter(t -> t.getTenantId().equals(tenant));
  }

  public Optional<Task> findByIdempotencyKey(String tenant, String key) {
    return em.createQuery(
            "SELECT t FROM Task t WHERE t.tenantId = :tenant AND t.idempotencyKey = :key",
            Task.class)
        .setParameter("tenant", tenant)
        .setParameter("key", key)
        .getResultStream()
        .findFirst();
  }

  public TaskPage list(TaskFilter f) {
    StringBuilder jpql = new StringBuilder("SELECT t FROM Task t WHERE t.tenantId = :tenant");
    if (f.state() != null) {
      jpql.append(" AND t.state = :state");
    }
    if (f.priority() != null) {
      jpql.append(" AND t.priority = :priority");
    }
    if (f.cursor() != null) {
      jpql.append(" AND (t.createdAt < :at OR (t.createdAt = :at AND t.id < :id))");
    }
    jpql.append(" ORDER BY t.createdAt DESC, t.id DESC");
    TypedQuery<Task> q =
        em.createQuery(jpql.toString(), Task.class).setParameter("tenant", f.tenant());
    if (f.state() != null) {
      q.setParameter("state", f.state());
    }
    if (f.priority() != null) {
      q.setParameter("priority", f.priority());
    }
    if (f.cursor() != null) {
      q.setParameter("at", f.cursor().createdAt()).setParameter("id", f.cursor().id());
    }
    List<Task> rows = q.setMaxResults(f.limit() + 1).getResultList();
    if (rows.size() <= f.limit()) {
      return new TaskPage(rows, null);
    }
    List<Task> page = rows.subList(0, f.limit());
    Task last = page.get(page.size() - 1);
    return new TaskPage(
        List.copyOf(page), new ListCursor(last.getCreatedAt(), last.getId()).encode());
  }

  /**
   * Runnable waiting tasks that a free slot would take before this one, ignoring tenant shares: an
   * approximation of its place in the queue.
   */
  public long tasksAhead(Task t) {
    return ((Number)
            em.createNativeQuery(
                    "SELECT count(*) FROM task WHERE state = 'QUEUED' AND NOT blocked"
                        + " AND (dispatch_priority > ?1 OR (dispatch_priority = ?1 AND created_at < ?2))")
                .setParameter(1, t.getDispatchPriority())
                .setParameter(2, t.getCreatedAt())
                .getSingleResult())
        .longValue();
  }

  /** Live tasks per (state, priority, tenant), for the queue-depth gauges. */
  @SuppressWarnings("unchecked")
  public List<Object[]> countLive() {
    return em.createNativeQuery(
            "SELECT state, priority, tenant_id, count(*) FROM task WHERE state IN ('QUEUED', 'RUNNING')"
                + " GROUP BY state, priority, tenant_id")
        .getResultList();
  }

  /** QUEUED, unblocked tasks of these levels accepted before {@code acceptedBefore}. */
  public long countWaitingSince(List<String> levels, Instant acceptedBefore) {
    return ((Number)
            em.createNativeQuery(
                    "SELECT count(*) FROM task WHERE state = 'QUEUED' AND NOT blocked"
                        + " AND (not_before IS NULL OR not_before <= now())"
                        + " AND priority IN (:levels) AND created_at < :before")
                .setParameter("levels", levels)
                .setParameter("before", acceptedBefore)
                .getSingleResult())
        .longValue();
  }

  /**
   * Slots already on their way to starving work: RUNNING tasks whose worker was asked to give up
   * the slot less than {@code seconds} ago, and tasks preempted in the last 2 s whose slot the
   * starving task has not claimed yet.
   */
  public long countPendingPreemptions(int seconds) {
    return ((Number)
            em.createNativeQuery(
                    "SELECT count(*) FROM task WHERE preempt_requested_at IS NOT NULL AND ("
                        + "(state = 'RUNNING' AND preempt_requested_at > now() - make_interval(secs => ?1))"
                        // Preempted a moment ago: its slot is on its way to the starving task,
                        // which has not claimed it yet. Counting it stops a second preemption.
                        // (Its new token may not be confirmed yet: dispatched_at still NULL.)
                        + " OR (state = 'QUEUED' AND (dispatched_at IS NULL"
                        + " OR dispatched_at > now() - interval '2 seconds')))")
                .setParameter(1, seconds)
                .getSingleResult())
        .longValue();
  }

  /**
   * Running tasks that could give up their slot, cheapest to preempt first (lowest dispatch
   * priority, least progress): (id, priority, preemptions, attempts), locked for this transaction.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> preemptionCandidates(int seconds, int limit) {
    return em.createNativeQuery(
            "SELECT id, priority, preemptions, attempts FROM task WHERE state = 'RUNNING'"
                + " AND relay_key IS NULL"
                + " AND (preempt_requested_at IS NULL OR preempt_requested_at <= now() - make_interval(secs => ?1))"
                + " ORDER BY dispatch_priority, started_at DESC LIMIT ?2 FOR UPDATE SKIP LOCKED")
        .setParameter(1, seconds)
        .setParameter(2, limit)
        .getResultList();
  }

  public void markPreemptionRequested(UUID id) {
    em.createNativeQuery("UPDATE task SET preempt_requested_at = now() WHERE id = ?1")
        .setParameter(1, id)
        .executeUpdate();
  }

  /** Live tasks of a tenant grouped by (priority, state, dispatch priority), for the queue view. */
  @SuppressWarnings("unchecked")
  public List<Object[]> liveGroups(String tenant) {
    return em.createNativeQuery(
            "SELECT priority, state, dispatch_priority, count(*), min(created_at) FROM task"
                + " WHERE tenant_id = ?1 AND state IN ('QUEUED', 'RUNNING')"
                + " GROUP BY priority, state, dispatch_priority")
        .setParameter(1, tenant)
        .getResultList();
  }

  static String sources(TaskState target) {
    return TaskState.sourcesOf(target).stream()
        .map(s -> "'" + s.name() + "'")
        .reduce((a, b) -> a + ", " + b)
        .orElseThrow();
  }
}
