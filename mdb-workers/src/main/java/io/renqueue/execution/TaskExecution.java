package io.renqueue.execution;

import io.renqueue.backends.AttemptLog;
import io.renqueue.backends.BackendException;
import io.renqueue.backends.BackendHealth;
import io.renqueue.backends.BackendsBusyException;
import io.renqueue.backends.CallInterruptedException;
import io.renqueue.backends.ChatAnswer;
import io.renqueue.backends.PreemptedException;
import io.renqueue.backends.Relay;
import io.renqueue.backends.RoutedCall;
import io.renqueue.dispatch.AnswerStream;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.ratelimit.Cooldowns;
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
import io.renqueue.tasks.TaskType;
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

  @Inject TaskClaims claims;
  @Inject TaskOutcomes outcomes;
  @Inject BackendRegistry registry;
  @Inject Splits splits;
  @Inject BackendHealth health;
  @Inject Cooldowns cooldowns;
  @Inject RoutedCall backends;
  @Inject AnswerStream answerStream;
  @Inject TaskMetrics metrics;
  @Inject RunningTasks running;

  @Inject NodeStatus node;
  @Inject AttemptSettings attempts;
  @Inject TokenHandOff handOff;
  @Inject OutcomeRecorder recorder;

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
      handOff.passOn(token, 1000);
      return;
    }
    List<String> leave = handOff.leaveToOthers();
    long claimStart = System.nanoTime();
    Optional<ClaimedTask> claim = claims.claimNext(nodeId, leaseSeconds, leave);
    metrics.claimed(System.nanoTime() - claimStart, claim.isPresent());
    if (claim.isEmpty() && !leave.isEmpty()) {
      // What waits is for models other workers have loaded and free slots for: let them take it.
      handOff.passOn(token, 200);
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
          null,
          null);
    } finally {
      running.leave(taskId);
      // A preemption that came after the call ended must not interrupt the next task.
      Thread.interrupted();
    }
  }

  private RoutingDecision decide(
      Task task,
      RouteRequest request,
      List<BackendDefinition> known,
      Map<String, Instant> cooling,
      Instant now) {
    Map<String, BackendStatus> status = health.snapshot(known, cooling, now);
    RoutingDecision ranked = Router.route(request, known, status, now);
    RoutingDecision split =
        splits
            .forAlias(task.getModel())
            .map(s -> ranked.preferring(s.choose(stickyKey(task, s), Math::random)))
            .orElse(ranked);
    return withDegradedPath(split, request, known, status, now);
  }

  private static String stickyKey(Task task, Split split) {
    return switch (split.sticky()) {
      case TENANT -> task.getTenantId();
      case KEY -> task.getIdempotencyKey();
      case NONE -> null;
    };
  }

  private void run(Task task, int fence, RunningTasks.Slot slot) {
    UUID taskId = task.getId();
    RouteRequest request = TaskRouting.requestFor(task);
    Instant now = Instant.now();
    List<BackendDefinition> known = registry.all();
    RoutingDecision decision = decide(task, request, known, cooldowns.current(), now);
    if (decision.candidates().isEmpty() && decision.earliestAvailable().isPresent()) {
      // The router's cooldowns may be a moment old: a wait is decided on the database's.
      decision = decide(task, request, known, cooldowns.fresh(), now);
    }
    String trace = TaskRouting.trace(decision);
    if (decision.candidates().isEmpty()) {
      noCandidate(task, fence, decision, trace, now);
      return;
    }
    Map<String, BackendDefinition> byName = new HashMap<>();
    known.forEach(b -> byName.put(b.name(), b));
    AttemptLog log = new AttemptLog();
    Relay relay = task.getRelayKey() == null ? Relay.NONE : new BestEffortRelay(answerStream, task);
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
    } catch (CallInterruptedException e) {
      // Not the chain's timeout (that reaches us as a TimeoutException): the container stopping
      // this endpoint, which may come just before the heartbeat hands running tasks back.
      Thread.interrupted();
      if (slot.preempted()) {
        takenBack(taskId, fence, slot);
      } else {
        LOG.info(() -> "Task " + taskId + ": the stopping server interrupted its call");
        recorder.handBack(taskId, fence);
      }
      return;
    } catch (BackendsBusyException e) {
      recorder.requeue(
          () ->
              outcomes.defer(
                  taskId,
                  fence,
                  e.retryAt(),
                  "every candidate backend is unavailable: " + e.getMessage(),
                  trace),
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
      String why =
          e instanceof BackendException
              ? e.getMessage()
              : log.summary() + (log.summary().isEmpty() ? "" : "; ") + "the chain timed out";
      attemptFailed(task, fence, why, log, e instanceof FaultToleranceException, trace);
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
    recorder.record(() -> outcomes.succeed(taskId, fence, result));
  }

  /**
   * Every backend failed this attempt. A failure that may pass (5xx, no answer in time) is tried
   * again later while the task has attempts left; otherwise, or on its last attempt, the task ends
   * FAILED (and its token goes to the dead-letter queue with it).
   */
  private void attemptFailed(
      Task task, int fence, String why, AttemptLog log, boolean chainTimedOut, String trace) {
    UUID taskId = task.getId();
    AttemptPolicy policy = attempts.policy();
    int used = AttemptPolicy.used(fence, task.getPreemptions(), task.getDeferrals());
    Optional<Duration> wait =
        log.anyTransientFailure() || chainTimedOut
            ? policy.nextAttemptAfter(used)
            : Optional.empty();
    if (wait.isPresent()) {
      Instant next = Instant.now().plus(wait.get());
      recorder.requeue(
          () ->
              outcomes.retryLater(
                  taskId, fence, next, policy.describe(used) + " failed (" + why + ")", trace),
          taskId,
          fence);
      return;
    }
    String message = used > 1 ? why + " (" + policy.describe(used) + ")" : why;
    recorder.record(
        () -> outcomes.fail(taskId, fence, "backends_failed", message, log.lastBackend(), trace));
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
      case HANDED_BACK -> recorder.handBack(taskId, fence);
      case NONE -> outcomes.requeuePreempted(taskId, fence);
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
    if (retryAt != null) {
      Instant at = retryAt;
      recorder.requeue(
          () ->
              outcomes.defer(
                  task.getId(), fence, at, "no backend available now: " + reasons, trace),
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
        null,
        trace);
  }
}
