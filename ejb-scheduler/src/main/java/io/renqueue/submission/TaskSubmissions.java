package io.renqueue.submission;

import io.renqueue.dispatch.TaskDispatcher;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.scheduling.PreemptionAlarm;
import io.renqueue.scheduling.SchedulingSettings;
import io.renqueue.tasks.Priority;
import io.renqueue.tasks.ReplyAddress;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskOutcomes;
import io.renqueue.tasks.TaskState;
import io.renqueue.tasks.TaskStore;
import io.renqueue.tenancy.TenantDirectory;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Accepts a validated submission: stores the task and sends its dispatch token in one JTA
 * transaction (PostgreSQL and Artemis both enlisted over XA), so there is never a task without a
 * token or a token without a task.
 */
@Stateless
public class TaskSubmissions {

  private static final Logger LOG = Logger.getLogger(TaskSubmissions.class.getName());

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @EJB private TaskStore store;
  @EJB private TaskDispatcher dispatcher;
  @EJB private TaskOutcomes outcomes;
  @Inject private TaskMetrics metrics;
  @Inject private SchedulingSettings settings;
  @EJB private TenantDirectory tenants;
  @EJB private PreemptionAlarm preemptionAlarm;

  public SubmitResult submit(String tenant, Submission s, ReplyAddress replyTo) {
    return submit(tenant, s, replyTo, null);
  }

  /**
   * @param wait when a client waits on its connection for the answer: what the worker publishes for
   *     it on the stream topic; null otherwise
   */
  public SubmitResult submit(String tenant, Submission s, ReplyAddress replyTo, ClientWait wait) {
    if (s.idempotencyKey() != null) {
      // Concurrent submissions with one key queue up here until the first commits; the unique
      // constraint stays as the last line of defence.
      em.createNativeQuery(
              "SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))) l")
          .setParameter(1, tenant + '\n' + s.idempotencyKey())
          .getSingleResult();
      Optional<Task> existing = store.findByIdempotencyKey(tenant, s.idempotencyKey());
      if (existing.isPresent()) {
        return new SubmitResult(existing.get(), false);
      }
    }
    tenants.register(tenant);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Priority parentLevel = parentPriority(tenant, s.parent());
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
    if (wait != null && wait.streaming()) {
      task.relayTo(wait.key());
    } else if (wait != null) {
      task.announceEndTo(wait.key());
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
    if (replyTo != null) {
      task.replyTo(replyTo.encoded(), replyTo.correlationId());
    }
    List<UUID> dependsOn = s.dependsOn() == null ? List.of() : s.dependsOn();
    Map<UUID, TaskState> dependencies = dependencyStates(tenant, dependsOn);
    boolean waits = dependencies.values().stream().anyMatch(state -> state != TaskState.SUCCEEDED);
    if (waits) {
      task.block();
    }
    em.persist(task);
    em.flush();
    metrics.accepted(task.getPriority());
    Task accepted = startOrWait(task, dependsOn, dependencies);
    LOG.fine(
        () ->
            "Accepted task "
                + task.getId()
                + " ("
                + task.getPriority().wireName()
                + ", "
                + task.getModel()
                + ")");
    return new SubmitResult(accepted, true);
  }

  /**
   * Dispatches the task, or records what it waits for: it fails at once when a dependency already
   * did not succeed, and otherwise lends its priority to the dependencies still waiting.
   */
  private Task startOrWait(Task task, List<UUID> dependsOn, Map<UUID, TaskState> dependencies) {
    if (!dependsOn.isEmpty()) {
      store.addDependencies(task.getId(), dependsOn);
    }
    Optional<Map.Entry<UUID, TaskState>> failed =
        dependencies.entrySet().stream()
            .filter(e -> e.getValue().isTerminal() && e.getValue() != TaskState.SUCCEEDED)
            .findFirst();
    if (failed.isPresent()) {
      outcomes.failWaiting(
          task.getId(),
          "Dependency " + failed.get().getKey() + " ended " + failed.get().getValue());
      return store.reload(task.getId());
    }
    if (!task.isBlocked()) {
      dispatcher.dispatch(task.getId(), task.getPriority());
      if (settings.preemption().preempting().contains(task.getPriority())) {
        preemptionAlarm.urgentTaskQueued(task.getCreatedAt());
      }
      return task;
    }
    String reason =
        "inherited priority "
            + task.getDispatchPriority()
            + " ("
            + task.getPriority().wireName()
            + ") from dependent task "
            + task.getId();
    for (Object[] raised : store.inheritPriority(dependsOn, task.getDispatchPriority(), reason)) {
      if (!((Boolean) raised[3])) {
        dispatcher.dispatch(
            (UUID) raised[0],
            Priority.valueOf((String) raised[1]),
            ((Number) raised[2]).intValue());
      }
    }
    return task;
  }

  /** The level of the parent task, or null without one; refuses a parent that does not exist. */
  private Priority parentPriority(String tenant, UUID parent) {
    if (parent == null) {
      return null;
    }
    return store
        .find(parent, tenant)
        .map(Task::getPriority)
        .orElseThrow(
            () ->
                new InvalidDependenciesException(
                    List.of(new FieldError("parent", "there is no task " + parent))));
  }

  /** The state of each dependency, share-locked; refuses ids that are not tasks of the tenant. */
  private Map<UUID, TaskState> dependencyStates(String tenant, List<UUID> dependsOn) {
    if (dependsOn.isEmpty()) {
      return Map.of();
    }
    Map<UUID, TaskState> states = new HashMap<>();
    for (Object[] row : store.lockDependencies(tenant, dependsOn)) {
      states.put((UUID) row[0], TaskState.valueOf((String) row[1]));
    }
    List<FieldError> unknown = new ArrayList<>();
    for (int i = 0; i < dependsOn.size(); i++) {
      if (!states.containsKey(dependsOn.get(i))) {
        unknown.add(
            new FieldError("depends_on[" + i + "]", "there is no task " + dependsOn.get(i)));
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidDependenciesException(unknown);
    }
    return states;
  }
}
