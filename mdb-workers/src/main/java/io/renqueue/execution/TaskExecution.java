package io.renqueue.execution;

import io.renqueue.backends.AttemptLog;
import io.renqueue.backends.BackendException;
import io.renqueue.backends.BackendHealth;
import io.renqueue.backends.BackendsBusyException;
import io.renqueue.backends.ChatAnswer;
import io.renqueue.backends.PreemptedException;
import io.renqueue.backends.Relay;
import io.renqueue.backends.RoutedCall;
import io.renqueue.cluster.ModelFootprintSettings;
import io.renqueue.cluster.NodeRegistry;
import io.renqueue.cluster.Placement;
import io.renqueue.dispatch.AnswerStream;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.ratelimit.BackendAdmission;
import io.renqueue.recovery.AttemptPolicy;
import io.renqueue.recovery.AttemptSettings;
import io.renqueue.routing.BackendDefinition;
import io.renqueue.routing.BackendRegistry;
import io.renqueue.routing.BackendStatus;
import io.renqueue.routing.DegradedModels;
import io.renqueue.routing.RouteRequest;
import io.renqueue.routing.Router;
import io.renqueue.routing.RoutingDecision;
import io.renqueue.routing.Split;
import io.renqueue.routing.Splits;
import io.renqueue.routing.TaskRouting;
import io.renqueue.tasks.ClaimedTask;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskClaims;
import io.renqueue.tasks.TaskOutcomes;
import io.renqueue.tasks.TaskResult;
import io.renqueue.tasks.TaskStore;
import io.renqueue.tasks.TaskType;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

/**
 * Runs one dispatched task on this worker: claim it (or do nothing if someone already has), call
 * its backends, store the outcome under the claim's fence. Nothing here holds a transaction open
 * while a backend is working.
 */
@ApplicationScoped
public class TaskExecution {

  private static final Logger LOG = Logger.getLogger(TaskExecution.class.getName());

  @EJB TaskStore store;
  @EJB TaskClaims claims;
  @EJB TaskOutcomes outcomes;
  @Inject BackendRegistry registry;
  @Inject Splits splits;
  @Inject BackendHealth health;
  @EJB BackendAdmission admission;
  @Inject RoutedCall backends;
  @EJB AnswerStream answerStream;
  @Inject TaskMetrics metrics;
  @Inject RunningTasks running;

  /** How long a worker keeps trying to store an outcome while the database is away. */
  @Inject
  @ConfigProperty(name = "renqueue.worker.outcome-retry-seconds", defaultValue = "120")
  long outcomeRetrySeconds;

  @Inject NodeStatus node;
  @Inject ModelFootprintSettings footprints;
  @Inject AttemptSettings attempts;
  @EJB NodeRegistry nodes;

  private volatile List<String> leftToOthers = List.of();
  private volatile long leftToOthersReadAt = System.nanoTime() - 1_000_000_000L;

  @Inject
  @ConfigProperty(name = "renqueue.node.heartbeat-seconds", defaultValue = "5")
  long heartbeatSeconds;

  @EJB io.renqueue.dispatch.TaskDispatcher dispatcher;

  private DegradedModels degradedModels = DegradedModels.NONE;

  /** Optional: MicroProfile Config treats an empty value (the server.xml default) as missing. */
  @Inject
  void degradedModels(
      @ConfigProperty(name = "renqueue.routing.degraded-models") Optional<String> setting) {
    degradedModels = DegradedModels.parse(setting.orElse(""));
  }

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "worker")
  String nodeId;

  /** Renewed by the heartbeat while the task runs ({@link NodeHeartbeat}). */
  @Inject
  @ConfigProperty(name = "renqueue.worker.lease-seconds", defaultValue = "30")
  int leaseSeconds;

  /**
   * Takes the waiting task that comes first (not necessarily the one the token was sent for: any
   * token wakes a slot, the database decides what runs) and runs it.
   */
  public void execute(UUID token) {
    // A pooled thread starts clean, whatever its last task left behind.
    Thread.interrupted();
    if (node.draining()) {
      passTokenOn(token, 1000);
      return;
    }
    List<String> leave = leaveToOthers();
    Optional<ClaimedTask> claim = claims.claimNext(token, nodeId, leaseSeconds, leave);
    if (claim.isEmpty() && !leave.isEmpty()) {
      // What waits is for models other workers have loaded and free slots for: let them take it.
      passTokenOn(token, 200);
      return;
    }
    if (claim.isEmpty()) {
      LOG.fine(() -> "Dispatch token for task " + token + " ignored: nothing is waiting");
      return;
    }
    Task task = claim.get().task();
    UUID taskId = task.getId();
    int fence = claim.get().fence();
    metrics.started(
        task.getPriority(),
        task.getTenantId(),
        Duration.between(task.getCreatedAt(), task.getStartedAt()));
    RunningTasks.Slot slot = running.enter(taskId, fence);
    try {
      run(task, fence, slot);
      endRelay(task);
    } catch (OutcomeNotRecordedException e) {
      // The database or broker failed while the outcome was written: let the broker redeliver
      // the token; the lease brings the task back if this worker cannot.
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } catch (RuntimeException e) {
      if (slot.preempted()) {
        takenBack(taskId, fence, slot);
        return;
      }
      // Anything but a backend failure is our bug or a broken dependency. Record it as the
      // outcome; if even that fails, the exception reaches the broker and the lease covers us.
      LOG.log(Level.SEVERE, "Task " + taskId + " failed inside the worker", e);
      outcomes.fail(
          taskId,
          fence,
          "internal_error",
          "The worker failed: " + e.getClass().getSimpleName(),
          null);
    } finally {
      running.leave(taskId);
      // A preemption that came after the call ended must not interrupt the next task.
      Thread.interrupted();
    }
  }

  /**
   * Publishes answer text for a streaming client; the stored result is the truth, so a publish that
   * fails stops the relay (the client's server then sends the rest from the database) rather than
   * the task.
   */
  private final class BestEffortRelay implements Relay {
    private final Task task;
    private volatile boolean broken;

    BestEffortRelay(Task task) {
      this.task = task;
    }

    @Override
    public void text(String delta) {
      if (broken) {
        return;
      }
      try {
        answerStream.publish(task.getRelayKey(), AnswerStream.DELTA, delta);
      } catch (RuntimeException e) {
        broken = true;
        LOG.warning(() -> "Task " + task.getId() + ": streaming relay stopped: " + e);
      }
    }

    @Override
    public boolean active() {
      return !broken;
    }
  }

  private static String stickyKey(Task task, Split split) {
    return switch (split.sticky()) {
      case TENANT -> task.getTenantId();
      case KEY -> task.getIdempotencyKey();
      case NONE -> null;
    };
  }

  /** Tells a streaming client's server that this attempt is over: the database has the rest. */
  private void endRelay(Task task) {
    if (task.getRelayKey() != null) {
      try {
        answerStream.publish(task.getRelayKey(), AnswerStream.END, "");
      } catch (RuntimeException e) {
        // The client's server also checks the task itself; losing this only delays it.
        LOG.warning(() -> "Task " + task.getId() + ": end of stream not published: " + e);
      }
    }
  }

  private void run(Task task, int fence, RunningTasks.Slot slot) {
    UUID taskId = task.getId();
    RouteRequest request = TaskRouting.requestFor(task);
    Instant now = Instant.now();
    List<BackendDefinition> known = registry.all();
    Map<String, BackendStatus> status = health.snapshot(known, admission.cooldowns(), now);
    RoutingDecision ranked = Router.route(request, known, status, now);
    RoutingDecision split =
        splits
            .forAlias(task.getModel())
            .map(s -> ranked.preferring(s.choose(stickyKey(task, s), Math::random)))
            .orElse(ranked);
    RoutingDecision decision = withDegradedPath(split, request, known, status, now);
    String trace = TaskRouting.trace(decision);
    if (decision.candidates().isEmpty()) {
      noCandidate(task, fence, decision, trace, now);
      return;
    }
    Map<String, BackendDefinition> byName = new HashMap<>();
    known.forEach(b -> byName.put(b.name(), b));
    AttemptLog log = new AttemptLog();
    Relay relay = task.getRelayKey() == null ? Relay.NONE : new BestEffortRelay(task);
    ChatAnswer answer;
    try {
      answer =
          backends.call(
              decision,
              byName,
              task.getRequestJson(),
              request.promptTokens() + request.maxTokens(),
              log,
              slot,
              relay,
              task.getType() == TaskType.EMBEDDING ? backends.embeddings() : backends.chat());
    } catch (PreemptedException e) {
      Thread.interrupted();
      takenBack(taskId, fence, slot);
      return;
    } catch (BackendsBusyException e) {
      store.recordRouting(taskId, fence, trace);
      requeue(
          () ->
              outcomes.defer(
                  taskId,
                  fence,
                  e.retryAt(),
                  "every candidate backend is unavailable: " + e.getMessage()),
          taskId,
          fence);
      return;
    } catch (BackendException | FaultToleranceException e) {
      // A timed-out chain leaves the thread interrupted; the outcome must still be written.
      Thread.interrupted();
      if (slot.preempted()) {
        takenBack(taskId, fence, slot);
        return;
      }
      store.recordRouting(taskId, fence, trace);
      String why =
          e instanceof BackendException
              ? e.getMessage()
              : log.summary() + (log.summary().isEmpty() ? "" : "; ") + "the chain timed out";
      attemptFailed(task, fence, why, log, e instanceof FaultToleranceException);
      return;
    }
    BackendDefinition served = byName.get(answer.backend());
    Double cost =
        answer.promptTokens() == null
            ? null
            : served
                .price()
                .cost(
                    answer.promptTokens(),
                    answer.completionTokens() == null ? 0 : answer.completionTokens());
    TaskResult result =
        new TaskResult(
            answer.backend(),
            answer.text(),
            answer.finishReason(),
            answer.promptTokens(),
            answer.completionTokens(),
            answer.latencyMs(),
            cost,
            trace,
            answer.continuation(),
            log.degradedTo());
    record(() -> outcomes.succeed(taskId, fence, result));
  }

  /**
   * Every backend failed this attempt. A failure that may pass (5xx, no answer in time) is tried
   * again later while the task has attempts left; otherwise, or on its last attempt, the task ends
   * FAILED (and its token goes to the dead-letter queue with it).
   */
  private void attemptFailed(
      Task task, int fence, String why, AttemptLog log, boolean chainTimedOut) {
    UUID taskId = task.getId();
    AttemptPolicy policy = attempts.policy();
    int used = AttemptPolicy.used(fence, task.getPreemptions(), task.getDeferrals());
    Optional<Duration> wait =
        log.anyTransientFailure() || chainTimedOut
            ? policy.nextAttemptAfter(used)
            : Optional.empty();
    if (wait.isPresent()) {
      Instant next = Instant.now().plus(wait.get());
      requeue(
          () ->
              outcomes.retryLater(
                  taskId, fence, next, policy.describe(used) + " failed (" + why + ")"),
          taskId,
          fence);
      return;
    }
    String message = used > 1 ? why + " (" + policy.describe(used) + ")" : why;
    record(() -> outcomes.fail(taskId, fence, "backends_failed", message, log.lastBackend()));
  }

  /**
   * The smaller model's candidates behind the requested model's, when one is configured. Not when a
   * backend of the requested model is only cooling down: the task waits for it instead.
   */
  private RoutingDecision withDegradedPath(
      RoutingDecision decision,
      RouteRequest request,
      List<BackendDefinition> known,
      Map<String, BackendStatus> status,
      Instant now) {
    Optional<String> smaller = degradedModels.smallerThan(request.model());
    if (smaller.isEmpty() || decision.earliestAvailable().isPresent()) {
      return decision;
    }
    RouteRequest degraded =
        new RouteRequest(
            smaller.get(),
            request.promptTokens(),
            request.maxTokens(),
            request.features(),
            request.constraints());
    return decision.degradingTo(smaller.get(), Router.route(degraded, known, status, now));
  }

  /**
   * The attempt was stopped from outside: preempted (back to the queue, counted as a preemption),
   * handed back by a worker that is shutting down (back to the queue at once, not a failure), or
   * its lease was lost (another attempt owns the task: write nothing).
   */
  private void takenBack(UUID taskId, int fence, RunningTasks.Slot slot) {
    switch (slot.stop()) {
      case LEASE_LOST ->
          LOG.warning(
              () ->
                  "Task "
                      + taskId
                      + " (attempt "
                      + fence
                      + "): lease lost while running; nothing stored, the task runs elsewhere");
      case HANDED_BACK -> handBack(taskId, fence);
      case NONE -> outcomes.requeuePreempted(taskId, fence);
    }
  }

  /**
   * This node takes nothing now (draining, or what waits is left to others): the token goes back to
   * the broker for another node, {@code delayMillis} later so nodes do not spin on it. It is sent
   * for the most urgent task waiting, not necessarily its own: any token wakes any slot, and a
   * token dropped while work waits could leave a task without one.
   */
  private void passTokenOn(UUID token, long delayMillis) {
    List<Object[]> head = store.queueHead(1);
    if (head.isEmpty()) {
      if (store.find(token).isEmpty()) {
        // Not visible yet (two-phase commit): let the broker redeliver it.
        throw new io.renqueue.tasks.TaskNotVisibleException(token);
      }
      return;
    }
    Object[] next = head.get(0);
    dispatcher.dispatchLater(
        (UUID) next[0],
        io.renqueue.tasks.Priority.valueOf((String) next[1]),
        ((Number) next[2]).intValue(),
        delayMillis);
  }

  /**
   * Models this worker leaves to others right now ({@link Placement}); none if unknown. Read at
   * most every 250 ms, not on every claim: the registry only changes with heartbeats anyway.
   */
  private List<String> leaveToOthers() {
    long now = System.nanoTime();
    if (now - leftToOthersReadAt < 250_000_000L) {
      return leftToOthers;
    }
    try {
      leftToOthers =
          Placement.leaveToOthers(
              nodes.freeWorkersElsewhere(nodeId, 3 * Math.max(1, heartbeatSeconds)),
              node.models(),
              node.freeGpuMib(),
              footprints.footprints());
    } catch (RuntimeException e) {
      // Placement is a preference: without the registry, take any work.
      LOG.fine(() -> "Placement not known: " + e);
      leftToOthers = List.of();
    }
    leftToOthersReadAt = now;
    return leftToOthers;
  }

  /**
   * Back to the queue with a token sent through the broker; a stopping worker whose broker
   * connection is already gone (Liberty may remove the resource adapter before the application)
   * hands the task back through the database alone.
   */
  private void requeue(Runnable withToken, UUID taskId, int fence) {
    try {
      record(withToken);
    } catch (OutcomeNotRecordedException e) {
      if (!node.isStopping()) {
        throw e;
      }
      handBack(taskId, fence);
    }
  }

  /** Database only: the sweep sends the token. If even this fails, the lease covers the task. */
  private void handBack(UUID taskId, int fence) {
    // Stopping interrupts the slot's thread; the write must still go through.
    Thread.interrupted();
    outcomes.handBack(taskId, fence, "handed back: node " + nodeId + " is shutting down");
  }

  /** An outcome that could not be written is not an internal error of the task. */
  private void record(Runnable outcome) {
    long deadline = System.nanoTime() + outcomeRetrySeconds * 1_000_000_000L;
    long pause = 500;
    while (true) {
      try {
        outcome.run();
        return;
      } catch (RuntimeException e) {
        // The database (or broker) is away. The backend's work is done: keep it and try again
        // under the same fence rather than let the task run a second time; the sweep gives
        // running tasks a fresh lease when the database comes back.
        if (System.nanoTime() + pause * 1_000_000 > deadline || node.isStopping()) {
          throw new OutcomeNotRecordedException(e);
        }
        LOG.warning(() -> "Outcome not stored, trying again: " + e);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException stopped) {
          Thread.currentThread().interrupt();
          throw new OutcomeNotRecordedException(e);
        }
        pause = Math.min(pause * 2, 5000);
      }
    }
  }

  /** Wraps the failure to store an outcome, so that it is not stored as a task failure. */
  static final class OutcomeNotRecordedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OutcomeNotRecordedException(RuntimeException cause) {
      super(cause);
    }
  }

  /**
   * No backend may serve the task now. If some only wait for a cooldown or an open circuit, the
   * task waits for the first of them; otherwise no backend can ever serve it as asked.
   */
  private void noCandidate(
      Task task, int fence, RoutingDecision decision, String trace, Instant now) {
    String reasons =
        decision.rejected().stream().map(r -> r.backend() + ": " + r.reason()).toList().toString();
    boolean circuitOpen =
        decision.rejected().stream().anyMatch(r -> r.reason().startsWith("circuit open"));
    Instant retryAt = decision.earliestAvailable().orElse(circuitOpen ? now.plusSeconds(5) : null);
    store.recordRouting(task.getId(), fence, trace);
    if (retryAt != null) {
      Instant at = retryAt;
      requeue(
          () -> outcomes.defer(task.getId(), fence, at, "no backend available now: " + reasons),
          task.getId(),
          fence);
      return;
    }
    outcomes.fail(
        task.getId(),
        fence,
        "no_backend",
        "No configured backend can serve model '"
            + task.getModel()
            + "' as asked: "
            + (registry.all().isEmpty() ? "no backends are configured" : reasons),
        null);
  }
}
