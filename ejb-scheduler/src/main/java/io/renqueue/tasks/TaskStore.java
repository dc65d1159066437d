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
 * Reads tasks and applies the guarded state changes. Every change is one UPDATE whose WHERE clause
 * names the states it may come from ({@link TaskState#sourcesOf}), so the database decides the
 * race: of two concurrent writers exactly one sees its row updated.
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

  /** RUNNING (under this fence) → SUCCEEDED with the result. False when the claim was lost. */
  public boolean markSucceeded(UUID id, int fence, TaskResult result) {
    TaskResult r = result.storable();
    return em.createNativeQuery(
                "UPDATE task SET state = 'SUCCEEDED', finished_at = now(), lease_expires_at = NULL,"
                    + " backend = ?1, result_text = ?2, finish_reason = ?3, prompt_tokens = ?4,"
                    + " completion_tokens = ?5, latency_ms = ?6, cost_usd = ?9,"
                    + " routing_trace = coalesce(?10, routing_trace), not_before = NULL, waiting_reason = NULL,"
                    + " continuation = ?11, degraded_to = ?12"
                    + " WHERE id = ?7 AND attempts = ?8 AND state IN ("
                    + sources(TaskState.SUCCEEDED)
                    + ")")
            .setParameter(1, r.backend())
            .setParameter(2, r.text())
            .setParameter(3, r.finishReason())
            .setParameter(4, r.promptTokens())
            .setParameter(5, r.completionTokens())
            .setParameter(6, r.latencyMs())
            .setParameter(7, id)
            .setParameter(8, fence)
            .setParameter(9, r.costUsd())
            .setParameter(10, r.routingTrace())
            .setParameter(11, r.continuation())
            .setParameter(12, r.degradedTo())
            .executeUpdate()
        == 1;
  }

  /** Stores the router's decision on a running task, for {@code GET /tasks/{id}}. */
  public void recordRouting(UUID id, int fence, String trace) {
    em.createNativeQuery("UPDATE task SET routing_trace = ?1 WHERE id = ?2 AND attempts = ?3")
        .setParameter(1, trace)
        .setParameter(2, id)
        .setParameter(3, fence)
        .executeUpdate();
  }

  /**
   * RUNNING (under this fence) → QUEUED until {@code notBefore}: no backend could take the task now
   * (every candidate cooling down or at its limit). Not a failure; its age is kept. Returns
   * (priority, dispatch_priority) for the delayed token, or empty when the claim was lost.
   */
  public Optional<Object[]> defer(UUID id, int fence, Instant notBefore, String reason) {
    return backToQueue(id, fence, notBefore, reason, 1, "now()");
  }

  /**
   * RUNNING (under this fence) → QUEUED at once, as a deferral, with no token sent ({@code
   * dispatched_at} NULL): for a worker that is stopping and can no longer reach the broker. The
   * sweep sends the token ({@link TokenRenewals#renewUndispatched}). False when the claim was lost.
   */
  public boolean handBack(UUID id, int fence, String reason) {
    return backToQueue(id, fence, Instant.now(), reason, 1, "NULL").isPresent();
  }

  /**
   * RUNNING (under this fence) → QUEUED until {@code notBefore} after a failed attempt: unlike
   * {@link #defer} the attempt counts. Returns what {@link #defer} returns.
   */
  public Optional<Object[]> retryLater(UUID id, int fence, Instant notBefore, String reason) {
    return backToQueue(id, fence, notBefore, reason, 0, "now()");
  }

  @SuppressWarnings("unchecked")
  private Optional<Object[]> backToQueue(
      UUID id, int fence, Instant notBefore, String reason, int deferral, String dispatchedAt) {
    List<Object[]> rows =
        em.createNativeQuery(
                "UPDATE task SET state = 'QUEUED', node_id = NULL, lease_expires_at = NULL,"
                    + " deferrals = deferrals + ?5, not_before = ?3, waiting_reason = ?4,"
                    + " dispatched_at = "
                    + dispatchedAt
                    + " WHERE id = ?1 AND attempts = ?2 AND state = 'RUNNING'"
                    + " RETURNING priority, dispatch_priority")
            .setParameter(5, deferral)
            .setParameter(1, id)
            .setParameter(2, fence)
            .setParameter(3, notBefore)
            .setParameter(4, reason)
            .getResultList();
    return rows.stream().findFirst();
  }

  /** RUNNING (under this fence) → FAILED with the reason. False when the claim was lost. */
  public boolean markFailed(UUID id, int fence, String code, String message, String lastBackend) {
    return em.createNativeQuery(
                "UPDATE task SET state = 'FAILED', finished_at = now(), lease_expires_at = NULL,"
                    + " error_code = ?1, error_message = ?2, backend = ?3, waiting_reason = NULL"
                    + " WHERE id = ?4 AND attempts = ?5 AND state = 'RUNNING'")
            .setParameter(1, code)
            .setParameter(2, message)
            .setParameter(3, lastBackend)
            .setParameter(4, id)
            .setParameter(5, fence)
            .executeUpdate()
        == 1;
  }

  public boolean markCancelled(UUID id, String tenant) {
    return em.createNativeQuery(
                "UPDATE task SET state = 'CANCELLED', finished_at = now()"
                    + " WHERE id = ?1 AND tenant_id = ?2 AND state IN ("
                    + sources(TaskState.CANCELLED)
                    + ")")
            .setParameter(1, id)
            .setParameter(2, tenant)
            .executeUpdate()
        == 1;
  }

  /**
   * QUEUED tasks accepted before {@code acceptedBefore} whose latest token is below {@code
   * ceiling}, oldest first, locked for this transaction: (id, priority, dispatch_priority,
   * created_at). The aging policy decides which of them to promote.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> agingCandidates(Instant acceptedBefore, int ceiling, int batch) {
    return em.createNativeQuery(
            "SELECT id, priority, dispatch_priority, created_at FROM task WHERE state = 'QUEUED'"
                + " AND NOT blocked AND created_at < ?1 AND dispatch_priority < ?2 ORDER BY created_at LIMIT ?3"
                + " FOR UPDATE SKIP LOCKED")
        .setParameter(1, acceptedBefore)
        .setParameter(2, ceiling)
        .setParameter(3, batch)
        .getResultList();
  }

  /** Records that a QUEUED task is being re-dispatched at a higher priority, and why. */
  public boolean raiseDispatchPriority(UUID id, int priority, String reason) {
    return em.createNativeQuery(
                "UPDATE task SET dispatch_priority = ?1, dispatched_at = now(), priority_reason = ?3"
                    + " WHERE id = ?2 AND state = 'QUEUED' AND dispatch_priority < ?1")
            .setParameter(1, priority)
            .setParameter(2, id)
            .setParameter(3, reason)
            .executeUpdate()
        == 1;
  }

  /** QUEUED tasks past their expiry end EXPIRED; returns their ids, to be announced. */
  @SuppressWarnings("unchecked")
  public List<UUID> expireOverdue(int batch) {
    return em.createNativeQuery(
            "UPDATE task SET state = 'EXPIRED', finished_at = now(), error_code = 'expired',"
                + " error_message = 'Not started before ' || to_char(expires_at AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                + " WHERE id IN (SELECT id FROM task WHERE state = 'QUEUED' AND expires_at <= now()"
                + " ORDER BY expires_at LIMIT ?1 FOR UPDATE SKIP LOCKED)"
                + " AND state IN ("
                + sources(TaskState.EXPIRED)
                + ") RETURNING id")
        .setParameter(1, batch)
        .getResultList();
  }

  /** Live tasks per (state, priority, tenant), for the queue-depth gauges. */
  @SuppressWarnings("unchecked")
  public List<Object[]> countLive() {
    return em.createNativeQuery(
            "SELECT state, priority, tenant_id, count(*) FROM task WHERE state IN ('QUEUED', 'RUNNING')"
                + " GROUP BY state, priority, tenant_id")
        .getResultList();
  }

  /**
   * (id, state) of each of {@code ids} that belongs to the tenant, share-locked so none of them can
   * finish until this transaction commits: a dependency that finishes later then sees the new
   * dependent.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> lockDependencies(String tenant, List<UUID> ids) {
    return em.createNativeQuery(
            "SELECT id, state FROM task WHERE tenant_id = :tenant AND id IN (:ids) FOR SHARE")
        .setParameter("tenant", tenant)
        .setParameter("ids", ids)
        .getResultList();
  }

  public void addDependencies(UUID task, List<UUID> dependsOn) {
    for (UUID dependency : dependsOn) {
      em.createNativeQuery("INSERT INTO task_dependency (task_id, depends_on) VALUES (?1, ?2)")
          .setParameter(1, task)
          .setParameter(2, dependency)
          .executeUpdate();
    }
  }

  /**
   * Priority inheritance: every still-QUEUED task that {@code ids} depend on, transitively, is
   * raised to at least {@code priority}. Returns (id, priority, dispatch_priority, blocked) of each
   * raised task; the unblocked ones need a new token.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> inheritPriority(List<UUID> ids, int priority, String reason) {
    return em.createNativeQuery(
            "WITH RECURSIVE ancestors(id) AS (SELECT id FROM task WHERE id IN (:ids)"
                + " UNION SELECT d.depends_on FROM task_dependency d JOIN ancestors a ON d.task_id = a.id)"
                + " UPDATE task t SET dispatch_priority = :priority, dispatched_at = now(),"
                + " priority_reason = :reason FROM ancestors a"
                + " WHERE t.id = a.id AND t.state = 'QUEUED' AND t.dispatch_priority < :priority"
                + " RETURNING t.id, t.priority, t.dispatch_priority, t.blocked")
        .setParameter("ids", ids)
        .setParameter("priority", priority)
        .setParameter("reason", reason)
        .getResultList();
  }

  /**
   * Dependents of a task that just SUCCEEDED whose dependencies have now all SUCCEEDED stop being
   * blocked; returns (id, priority, dispatch_priority) of each, to be dispatched.
   */
  @SuppressWarnings("unchecked")
  public List<Object[]> unblockDependentsOf(UUID id) {
    return em.createNativeQuery(
            "UPDATE task t SET blocked = false, dispatched_at = now()"
                + " WHERE t.state = 'QUEUED' AND t.blocked"
                + " AND t.id IN (SELECT task_id FROM task_dependency WHERE depends_on = ?1)"
                + " AND NOT EXISTS (SELECT 1 FROM task_dependency d JOIN task dep ON dep.id = d.depends_on"
                + " WHERE d.task_id = t.id AND dep.state <> 'SUCCEEDED')"
                + " RETURNING t.id, t.priority, t.dispatch_priority")
        .setParameter(1, id)
        .getResultList();
  }

  /** QUEUED → FAILED for a task whose dependency did not succeed. */
  public boolean failWaiting(UUID id, String reason) {
    return em.createNativeQuery(
                "UPDATE task SET state = 'FAILED', finished_at = now(), blocked = false,"
                    + " error_code = 'dependency_failed', error_message = ?2 WHERE id = ?1 AND state = 'QUEUED'")
            .setParameter(1, id)
            .setParameter(2, reason)
            .executeUpdate()
        == 1;
  }

  /** Waiting dependents of a task that did not succeed fail with the reason; returns their ids. */
  @SuppressWarnings("unchecked")
  public List<UUID> failDependentsOf(UUID id, String reason) {
    return em.createNativeQuery(
            "UPDATE task SET state = 'FAILED', finished_at = now(), blocked = false,"
                + " error_code = 'dependency_failed', error_message = ?2"
                + " WHERE state = 'QUEUED'"
                + " AND id IN (SELECT task_id FROM task_dependency WHERE depends_on = ?1) RETURNING id")
        .setParameter(1, id)
        .setParameter(2, reason)
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
                        + " OR (state = 'QUEUED' AND dispatched_at > now() - interval '2 seconds'))")
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

  /**
   * RUNNING (under this fence) → QUEUED after a preemption: age kept, not a failure. Returns
   * (priority, dispatch_priority) for the new token, or empty when the claim was lost.
   */
  @SuppressWarnings("unchecked")
  public Optional<Object[]> requeuePreempted(UUID id, int fence) {
    List<Object[]> rows =
        em.createNativeQuery(
                "UPDATE task SET state = 'QUEUED', node_id = NULL, lease_expires_at = NULL,"
                    + " preemptions = preemptions + 1, dispatched_at = now()"
                    + " WHERE id = ?1 AND attempts = ?2 AND state = 'RUNNING' RETURNING priority, dispatch_priority")
            .setParameter(1, id)
            .setParameter(2, fence)
            .getResultList();
    return rows.stream().findFirst();
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

  /** Reloads a task after a native update changed it behind the persistence context. */
  public Task reload(UUID id) {
    Task t = em.find(Task.class, id);
    if (t != null) {
      em.refresh(t);
    }
    return t;
  }

  static String sources(TaskState target) {
    return TaskState.sourcesOf(target).stream()
        .map(s -> "'" + s.name() + "'")
        .reduce((a, b) -> a + ", " + b)
        .orElseThrow();
  }
}
