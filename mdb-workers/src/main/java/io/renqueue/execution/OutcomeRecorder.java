package io.renqueue.execution;

import io.renqueue.tasks.TaskOutcomes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes a finished attempt's outcome through the database (and broker) outages a worker meets:
 * retried under the same fence rather than letting the task run twice, and handed back through the
 * database alone when the worker is stopping.
 */
@ApplicationScoped
public class OutcomeRecorder {

  private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class.getName());

  @Inject TaskOutcomes outcomes;
  @Inject NodeStatus node;

  /** How long a worker keeps trying to store an outcome while the database is away. */
  @Inject
  @ConfigProperty(name = "renqueue.worker.outcome-retry-seconds", defaultValue = "120")
  long outcomeRetrySeconds;

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "worker")
  String nodeId;

  /**
   * Runs the outcome write, retrying it while the database is away.
   *
   * @throws OutcomeNotRecordedException when it could not be written in time (or the worker is
   *     stopping): an outcome that could not be written is not an internal error of the task
   */
  public void record(Runnable outcome) {
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

  /**
   * Back to the queue with a token sent through the broker; a stopping worker whose broker
   * connection is already gone (Liberty may remove the resource adapter before the application)
   * hands the task back through the database alone.
   */
  public void requeue(Runnable withToken, UUID taskId, int fence) {
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
  public void handBack(UUID taskId, int fence) {
    // Stopping interrupts the slot's thread; the write must still go through.
    Thread.interrupted();
    outcomes.handBack(taskId, fence, "handed back: node " + nodeId + " is shutting down");
  }
}
