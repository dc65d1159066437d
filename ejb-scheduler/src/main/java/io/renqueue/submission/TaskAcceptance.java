package io.renqueue.submission;

import io.renqueue.dispatch.Outgoing;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.scheduling.PreemptionAlarm;
import io.renqueue.scheduling.SchedulingSettings;
import io.renqueue.storage.DirectSql;
import io.renqueue.storage.SqlWork;
import io.renqueue.storage.Unit;
import io.renqueue.tasks.Priority;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskEnds;
import io.renqueue.tasks.TaskRows;
import io.renqueue.tasks.TaskState;
import io.renqueue.tenancy.KnownTenants;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The first step of a task's life: accepted submissions become rows, all of a batch in one INSERT
 * and one local commit, and their dispatch tokens go to the outbox relay after that commit (the row
 * is its own outbox; the sweep sends what a crash or a broker outage left unsent). The same
 * idempotency key, or a JMS message seen again, finds the task it already became. Submissions that
 * depend on other tasks or have a parent take the longer way: their references are checked and
 * locked in the same transaction, and a reference that does not exist refuses that item only.
 */
@ApplicationScoped
public class TaskAcceptance {

  private static final Logger LOG = Logger.getLogger(TaskAcceptance.class.getName());

  /** Tasks one batch may hold. */
  public static final int MAX_BATCH = 1000;

  @Inject DirectSql sql;
  @Inject TaskMetrics metrics;
  @Inject SchedulingSettings settings;
  @Inject TaskEnds ends;
  @EJB PreemptionAlarm preemptionAlarm;

  /**
   * One task. Throws {@link InvalidDependenciesException} when it refers to tasks that are not its
   * tenant's.
   */
  public SubmitResult accept(String tenant, Submission s, Origin origin) {
    ItemResult r = acceptAll(tenant, List.of(s), origin).get(0);
    if (!r.isAccepted()) {
      throw new InvalidDependenciesException(r.problems());
    }
    return r.accepted();
  }

  /** Every valid submission of the list, in one transaction; a result per item, in order. */
  public List<ItemResult> acceptAll(String tenant, List<Submission> items, Origin origin) {
    boolean linked =
        items.stream()
            .anyMatch(
                s -> s.parent() != null || (s.dependsOn() != null && !s.dependsOn().isEmpty()));
    SqlWork<List<ItemResult>> work = unit -> accept(unit, tenant, items, origin);
    // Without references to check and lock, every statement stands on its own: autocommit saves
    // the round trip of a separate COMMIT.
    return linked ? sql.transaction(work) : sql.statement(work);
  }

  private List<ItemResult> accept(Unit u, String tenant, List<Submission> items, Origin origin)
      throws SQLException {
    KnownTenants.register(u, tenant, settings.tenantWeights().of(tenant));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    References refs = References.lookUp(u, tenant, items);
    ItemResult[] results = new ItemResult[items.size()];
    List<Draft> drafts = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Submission s = items.get(i);
      List<FieldError> problems = refs.problemsOf(s);
      if (!problems.isEmpty()) {
        results[i] = ItemResult.refused(i, problems);
        continue;
      }
      drafts.add(draft(i, tenant, s, origin, items.size(), refs, now));
    }
    Set<UUID> inserted =
        TaskRows.insert(u, drafts.stream().map(Draft::task).toList(), sources(drafts));
    List<Draft> conflicting = new ArrayList<>();
    for (Draft d : drafts) {
      if (!inserted.contains(d.task().getId())) {
        conflicting.add(d);
        continue;
      }
      Task asNow = startOrWait(u, d, refs);
      results[d.index()] = ItemResult.accepted(d.index(), new SubmitResult(asNow, true));
    }
    if (!conflicting.isEmpty()) {
      Map<String, Task> existing = existing(u, tenant, conflicting);
      for (Draft d : conflicting) {
        Task found = existing.get(keyOf(d));
        if (found == null) {
          // The conflicting row is neither ours nor findable (it was deleted meanwhile): say so
          // rather than claim a task exists.
          results[d.index()] =
              ItemResult.refused(
                  d.index(),
                  List.of(
                      new FieldError("idempotency_key", "conflicts with a task being removed")));
        } else {
          results[d.index()] = ItemResult.accepted(d.index(), new SubmitResult(found, false));
        }
      }
    }
    return List.of(results);
  }

  /** A submission as the row it becomes. */
  private record Draft(int index, Task task, String sourceId, Submission submission) {}

  private Draft draft(
      int index,
      String tenant,
      Submission s,
      Origin origin,
      int items,
      References refs,
      Instant now) {
    Priority parentLevel = s.parent() == null ? null : refs.parentLevel(s.parent());
    Priority priority = s.priority().atLeast(parentLevel);
    Task task =
        Task.accepted(
            UUID.randomUUID(),
            tenant,
            s.type(),
            s.model(),
            priority,
            s.requestJson(),
            s.idempotencyKey(),
            now);
    task.expireAt(settings.expiry().expiresAt(priority, s.deadline(), s.ttl(), now));
    task.estimateTokens(s.estimatedTokens());
    task.routeWith(s.routingJson());
    if (origin.caller() != null && origin.caller().streaming()) {
      task.relayTo(origin.caller().key());
    } else if (origin.caller() != null) {
      task.announceEndTo(origin.caller().key());
    }
    if (s.parent() != null) {
      task.childOf(s.parent());
      if (priority != s.priority()) {
        task.prioritizedBecause(
            "submitted as "
                + s.priority().wireName()
                + "; runs at "
                + priority.wireName()
                + ", the level of its parent "
                + s.parent());
      }
    }
    if (origin.replyTo() != null) {
      task.replyTo(origin.replyTo().encoded(), origin.replyTo().correlationId());
    }
    if (refs.waits(s)) {
      task.block();
    }
    return new Draft(index, task, origin.sourceIdOf(index, items), s);
  }

  private static List<String> sources(List<Draft> drafts) {
    return drafts.stream().map(Draft::sourceId).toList();
  }

  /**
   * Dispatches the task, or records what it waits for: it fails at once when a dependency already
   * did not succeed, and otherwise lends its priority to the dependencies still waiting.
   *
   * @return the task as it now is
   */
  private Task startOrWait(Unit u, Draft d, References refs) throws SQLException {
    Task task = d.task();
    List<UUID> dependsOn =
        d.submission().dependsOn() == null ? List.of() : d.submission().dependsOn();
    Priority level = task.getPriority();
    u.afterCommit(() -> metrics.accepted(level));
    LOG.fine(
        () ->
            "Accepted task "
                + task.getId()
                + " ("
                + level.wireName()
                + ", "
                + task.getModel()
                + ")");
    if (dependsOn.isEmpty()) {
      dispatch(u, task);
      return task;
    }
    TaskRows.addDependencies(u, task.getId(), dependsOn);
    Map.Entry<UUID, TaskState> failed = refs.failedDependency(dependsOn);
    if (failed != null) {
      return ends.failWaiting(
              u, task.getId(), "Dependency " + failed.getKey() + " ended " + failed.getValue())
          .orElse(task);
    }
    if (!task.isBlocked()) {
      dispatch(u, task);
      return task;
    }
    String reason =
        "inherited priority "
            + task.getDispatchPriority()
            + " ("
            + level.wireName()
            + ") from dependent task "
            + task.getId();
    for (TaskRows.Raised raised :
        TaskRows.inheritPriority(u, dependsOn, task.getDispatchPriority(), reason)) {
      if (!raised.blocked()) {
        u.send(Outgoing.extraToken(raised.id(), raised.priority(), raised.dispatchPriority(), 0));
      }
    }
    return task;
  }

  private void dispatch(Unit u, Task task) {
    u.send(Outgoing.token(task.getId(), task.getPriority(), task.getDispatchPriority(), 0));
    if (settings.preemption().preempting().contains(task.getPriority())) {
      Instant accepted = task.getCreatedAt();
      u.afterCommit(() -> preemptionAlarm.urgentTaskQueued(accepted));
    }
  }

  private static String keyOf(Draft d) {
    return d.sourceId() != null ? "m:" + d.sourceId() : "k:" + d.task().getIdempotencyKey();
  }

  /** The tasks that conflicting drafts already are, by source message or idempotency key. */
  private static Map<String, Task> existing(Unit u, String tenant, List<Draft> conflicting)
      throws SQLException {
    List<String> keys = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (Draft d : conflicting) {
      if (d.sourceId() != null) {
        sources.add(d.sourceId());
      }
      if (d.task().getIdempotencyKey() != null) {
        keys.add(d.task().getIdempotencyKey());
      }
    }
    Map<String, Task> found = new HashMap<>();
    try (PreparedStatement q =
        u.prepare(
            "SELECT * FROM task WHERE (tenant_id = ? AND idempotency_key = ANY (?))"
                + " OR source_message_id = ANY (?)")) {
      q.setString(1, tenant);
      q.setArray(2, u.connection().createArrayOf("text", keys.toArray()));
      q.setArray(3, u.connection().createArrayOf("text", sources.toArray()));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          Task t = Task.fromRow(rs);
          String source = rs.getString("source_message_id");
          if (source != null) {
            found.put("m:" + source, t);
          }
          if (t.getIdempotencyKey() != null && t.getTenantId().equals(tenant)) {
            found.putIfAbsent("k:" + t.getIdempotencyKey(), t);
          }
        }
      }
    }
    // A redelivered message whose task was found by key instead (it carried one): same task.
    for (Draft d : conflicting) {
      if (d.sourceId() != null
          && !found.containsKey("m:" + d.sourceId())
          && d.task().getIdempotencyKey() != null) {
        Task byKey = found.get("k:" + d.task().getIdempotencyKey());
        if (byKey != null) {
          found.put("m:" + d.sourceId(), byKey);
        }
      }
    }
    return found;
  }

  /**
   * The parents and dependencies a batch refers to, read (dependencies locked, so none can finish
   * until the new tasks that wait for them are committed) before anything is written.
   */
  private record References(Map<UUID, Priority> parents, Map<UUID, TaskState> dependencies) {

    static References lookUp(Unit u, String tenant, List<Submission> items) throws SQLException {
      Set<UUID> parents = new HashSet<>();
      Set<UUID> dependencies = new HashSet<>();
      for (Submission s : items) {
        if (s.parent() != null) {
          parents.add(s.parent());
        }
        if (s.dependsOn() != null) {
          dependencies.addAll(s.dependsOn());
        }
      }
      Map<UUID, Priority> levels = new HashMap<>();
      if (!parents.isEmpty()) {
        try (PreparedStatement q =
            u.prepare("SELECT id, priority FROM task WHERE tenant_id = ? AND id = ANY (?)")) {
          q.setString(1, tenant);
          q.setArray(2, u.connection().createArrayOf("uuid", parents.toArray()));
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              levels.put(rs.getObject(1, UUID.class), Priority.valueOf(rs.getString(2)));
            }
          }
        }
      }
      Map<UUID, TaskState> states = new LinkedHashMap<>();
      if (!dependencies.isEmpty()) {
        // Locked until this commits, so none of them can end before its new dependents are
        // visible; and marked, so that the update that ends one knows to release them.
        try (PreparedStatement q =
            u.prepare(
                "UPDATE task SET has_dependents = true WHERE tenant_id = ? AND id = ANY (?)"
                    + " RETURNING id, state")) {
          q.setString(1, tenant);
          q.setArray(2, u.connection().createArrayOf("uuid", dependencies.toArray()));
          try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              states.put(rs.getObject(1, UUID.class), TaskState.valueOf(rs.getString(2)));
            }
          }
        }
      }
      return new References(levels, states);
    }

    Priority parentLevel(UUID parent) {
      return parents.get(parent);
    }

    List<FieldError> problemsOf(Submission s) {
      List<FieldError> problems = new ArrayList<>();
      if (s.parent() != null && !parents.containsKey(s.parent())) {
        problems.add(new FieldError("parent", "there is no task " + s.parent()));
      }
      List<UUID> deps = s.dependsOn() == null ? List.of() : s.dependsOn();
      for (int i = 0; i < deps.size(); i++) {
        if (!dependencies.containsKey(deps.get(i))) {
          problems.add(new FieldError("depends_on[" + i + "]", "there is no task " + deps.get(i)));
        }
      }
      return problems;
    }

    boolean waits(Submission s) {
      return s.dependsOn() != null
          && s.dependsOn().stream().anyMatch(d -> dependencies.get(d) != TaskState.SUCCEEDED);
    }

    Map.Entry<UUID, TaskState> failedDependency(List<UUID> dependsOn) {
      for (UUID d : dependsOn) {
        TaskState state = dependencies.get(d);
        if (state != null && state.isTerminal() && state != TaskState.SUCCEEDED) {
          return Map.entry(d, state);
        }
      }
      return null;
    }
  }
}
