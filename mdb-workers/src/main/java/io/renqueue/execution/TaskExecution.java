package io.renqueue.execution;

import io.renqueue.backends.AttemptLog;
import io.renqueue.backends.BackendCall;
import io.renqueue.backends.BackendCatalog;
import io.renqueue.backends.BackendConfig;
import io.renqueue.backends.BackendException;
import io.renqueue.backends.ChatAnswer;
import io.renqueue.backends.PreemptedException;
import io.renqueue.backends.PrimaryBackendCall;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.tasks.ClaimedTask;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskOutcomes;
import io.renqueue.tasks.TaskResult;
import io.renqueue.tasks.TaskStore;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs one dispatched task on this worker: claim it (or do nothing if someone already has), call
 * its backends, store the outcome under the claim's fence. Nothing here holds a transaction open
 * while a backend is working.
 */
@ApplicationScoped
public class TaskExecution {

  private static final Logger LOG = Logger.getLogger(TaskExecution.class.getName());

  @EJB TaskStore store;
  @EJB TaskOutcomes outcomes;
  @Inject BackendCatalog catalog;
  @Inject PrimaryBackendCall backends;
  @Inject TaskMetrics metrics;
  @Inject RunningTasks running;

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "worker")
  String nodeId;

  /** Longer than the slowest full fallback chain, or a healthy worker would be presumed dead. */
  @Inject
  @ConfigProperty(name = "renqueue.worker.lease-seconds", defaultValue = "900")
  int leaseSeconds;

  /**
   * Takes the waiting task that comes first (not necessarily the one the token was sent for: any
   * token wakes a slot, the database decides what runs) and runs it.
   */
  public void execute(UUID token) {
    Optional<ClaimedTask> claim = store.claimNext(token, nodeId, leaseSeconds);
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
    } catch (RuntimeException e) {
      if (slot.preempted()) {
        outcomes.requeuePreempted(taskId, fence);
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

  private void run(Task task, int fence, RunningTasks.Slot slot) {
    UUID taskId = task.getId();
    List<BackendConfig> candidates = catalog.candidates(task.getModel());
    if (candidates.isEmpty()) {
      outcomes.fail(
          taskId,
          fence,
          "no_backend",
          "No configured backend serves model '"
              + task.getModel()
              + "' (backends: "
              + catalog.configured().stream().map(BackendConfig::name).toList()
              + ")",
          null);
      return;
    }
    BackendCall call =
        new BackendCall(
            task.getRequestJson(),
            candidates.get(0),
            candidates.size() > 1 ? candidates.get(1) : null,
            new AttemptLog(),
            slot);
    ChatAnswer answer;
    try {
      answer = backends.call(call);
    } catch (PreemptedException e) {
      outcomes.requeuePreempted(taskId, fence);
      return;
    } catch (BackendException e) {
      if (slot.preempted()) {
        outcomes.requeuePreempted(taskId, fence);
        return;
      }
      outcomes.fail(taskId, fence, "backends_failed", e.getMessage(), call.log().lastBackend());
      return;
    }
    outcomes.succeed(
        taskId,
        fence,
        new TaskResult(
            answer.backend(),
            answer.text(),
            answer.finishReason(),
            answer.promptTokens(),
            answer.completionTokens(),
            answer.latencyMs()));
  }
}
