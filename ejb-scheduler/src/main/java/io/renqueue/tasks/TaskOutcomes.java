package io.renqueue.tasks;

import io.renqueue.dispatch.TaskDeadLetters;
import io.renqueue.dispatch.TaskDispatcher;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.tenancy.FairShareCounters;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Moves a task into a terminal state and tells whoever waits for it. The state change, the JMS
 * reply and nothing else share one transaction: either the task is terminal and its reply is on its
 * way, or neither.
 */
@Stateless
public class TaskOutcomes {

  private static final Logger LOG = Logger.getLogger(TaskOutcomes.class.getName());

  @EJB private TaskStore store;
  @EJB private FairShareCounters counters;
  @EJB private TaskDispatcher dispatcher;
  @EJB private TaskDeadLetters deadLetters;
  @Inject private TaskReplies replies;
  @Inject private TaskMetrics metrics;

  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public boolean succeed(UUID id, int fence, TaskResult result) {
    boolean stored =
        finishedUnderFence(store.markSucceeded(id, fence, result), id, fence, "Result");
    if (stored) {
      counters.chargeActualUsage(id);
    }
    return stored;
  }

  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public boolean fail(UUID id, int fence, String code, String message, String lastBackend) {
    return finishedUnderFence(
        store.markFailed(id, fence, code, message, lastBackend), id, fence, "Failure");
  }

  private boolean finishedUnderFence(boolean updated, UUID id, int fence, String what) {
    if (!updated) {
      LOG.warning(
          () ->
              what
                  + " of task "
                  + id
                  + " (attempt "
                  + fence
                  + ") discarded: the task is no longer running under that attempt");
      return false;
    }
    finished(id);
    return true;
  }

  public CancelOutcome cancel(UUID id, String tenant) {
    if (store.markCancelled(id, tenant)) {
      return new CancelOutcome(CancelOutcome.Result.CANCELLED, finished(id));
    }
    return store
        .find(id, tenant)
        .map(t -> new CancelOutcome(CancelOutcome.Result.NOT_CANCELLABLE, t))
        .orElse(new CancelOutcome(CancelOutcome.Result.NOT_FOUND, null));
  }

  /** A preempted task goes back to the queue with a new token; false when its claim was lost. */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public boolean requeuePreempted(UUID id, int fence) {
    Optional<Object[]> requeued = store.requeuePreempted(id, fence);
    requeued.ifPresent(
        row -> {
          counters.refundEstimate(id);
          Priority priority = Priority.valueOf((String) row[0]);
          dispatcher.dispatch(id, priority, ((Number) row[1]).intValue());
          metrics.preempted(priority);
          LOG.info(
              () ->
                  "Task "
                      + id
                      + " (attempt "
                      + fence
                      + ") preempted for more urgent work; queued again");
        });
    return requeued.isPresent();
  }

  /**
   * A task no backend can take now goes back to the queue until {@code notBefore}, with a token the
   * broker delivers then; its wait and the reason are visible on the task. False when the claim was
   * lost.
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public boolean defer(UUID id, int fence, Instant notBefore, String reason) {
    return dispatchAt(store.defer(id, fence, notBefore, reason), id, notBefore, reason);
  }

  /**
   * A stopping worker gives a running task back, in a transaction of the database alone: by the
   * time Liberty stops the application the resource adapter may be gone. The sweep sends its token.
   * False when the claim was lost.
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public boolean handBack(UUID id, int fence, String reason) {
    boolean queued = store.handBack(id, fence, reason);
    if (queued) {
      counters.refundEstimate(id);
      LOG.info(() -> "Task " + id + " handed back (attempt " + fence + "): " + reason);
    }
    return queued;
  }

  /**
   * An attempt that failed, with attempts left: the task goes back to the queue until {@code
   * notBefore} like a deferred one, but the attempt counts. False when the claim was lost.
   */
  @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
  public boolean retryLater(UUID id, int fence, Instant notBefore, String reason) {
    boolean queued =
        dispatchAt(store.retryLater(id, fence, notBefore, reason), id, notBefore, reason);
    if (queued) {
      metrics.retried();
    }
    return queued;
  }

  private boolean dispatchAt(
      Optional<Object[]> deferred, UUID id, Instant notBefore, String reason) {
    deferred.ifPresent(
        row -> {
          counters.refundEstimate(id);
          // A little late rather than early: a token that arrives before not_before (clocks of the
          // worker, the broker and the database differ slightly) finds nothing to claim.
          long delay = Math.max(0, notBefore.toEpochMilli() - System.currentTimeMillis()) + 500;
          dispatcher.dispatchLater(
              id, Priority.valueOf((String) row[0]), ((Number) row[1]).intValue(), delay);
          LOG.info(() -> "Task " + id + " waits until " + notBefore + ": " + reason);
        });
    return deferred.isPresent();
  }

  /** A waiting task whose dependency did not succeed fails, with its own dependents. */
  public void failWaiting(UUID id, String reason) {
    if (store.failWaiting(id, reason)) {
      finished(id);
    }
  }

  /** Tells the world about a task that the recovery sweep made terminal in this transaction. */
  public void announce(UUID id) {
    finished(id);
  }

  private Task finished(UUID id) {
    Task task = store.reload(id);
    if (failedOnItsOwnAccount(task)) {
      // In this transaction: no FAILED task without its dead letter, and no dead letter for a
      // task whose failure did not commit.
      deadLetters.send(task);
    }
    releaseDependents(task);
    metrics.finished(task.getState(), task.getPriority());
    LOG.info(() -> "Task " + id + " " + task.getState() + describe(task));
    ReplyAddress to = ReplyAddress.decode(task.getReplyTo(), task.getCorrelationId());
    if (to != null) {
      try {
        replies.send(to, TaskJson.render(task).toString());
      } catch (RuntimeException e) {
        // The outcome is stored either way; a requester that went away must not make the task
        // run again.
        LOG.warning(() -> "Task " + id + ": reply to " + to.encoded() + " could not be sent: " + e);
      }
    }
    return task;
  }

  /** Dispatches dependents that can now run, or fails those that now never can (recursively). */
  private void releaseDependents(Task task) {
    if (task.getState() == TaskState.SUCCEEDED) {
      for (Object[] row : store.unblockDependentsOf(task.getId())) {
        dispatcher.dispatch(
            (UUID) row[0], Priority.valueOf((String) row[1]), ((Number) row[2]).intValue());
      }
      return;
    }
    String reason = "Dependency " + task.getId() + " ended " + task.getState();
    for (UUID dependent : store.failDependentsOf(task.getId(), reason)) {
      finished(dependent);
    }
  }

  /** Failed for what it is or does, not because a task it depends on failed. */
  private static boolean failedOnItsOwnAccount(Task t) {
    return t.getState() == TaskState.FAILED && !"dependency_failed".equals(t.getErrorCode());
  }

  private static String describe(Task t) {
    return switch (t.getState()) {
      case SUCCEEDED -> " on " + t.getBackend() + " in " + t.getLatencyMs() + " ms";
      case FAILED, EXPIRED -> ": " + t.getErrorCode() + " - " + t.getErrorMessage();
      default -> "";
    };
  }
}
