package io.renqueue.execution;

import io.renqueue.backends.Relay;
import io.renqueue.dispatch.AnswerStream;
import io.renqueue.tasks.Task;
import java.util.logging.Logger;

/**
 * Publishes answer text for a streaming client; the stored result is the truth, so a publish that
 * fails stops the relay (the client's server then sends the rest from the database) rather than the
 * task.
 */
final class BestEffortRelay implements Relay {

  private static final Logger LOG = Logger.getLogger(BestEffortRelay.class.getName());

  private final AnswerStream answerStream;
  private final Task task;
  private volatile boolean broken;

  BestEffortRelay(AnswerStream answerStream, Task task) {
    this.answerStream = answerStream;
    this.task = task;
  }

  @Override
  public void text(String delta) {
    if (broken) {
      return;
    }
    try {
      answerStream.delta(task.getRelayKey(), delta);
    } catch (RuntimeException e) {
      broken = true;
      LOG.warning(() -> "Task " + task.getId() + ": streaming relay stopped: " + e);
    }
  }

  @Override
  public boolean active() {
    return !broken;
  }

  /**
   * Tells a waiting client's server, streaming or not, that this attempt is over: the database has
   * the rest.
   */
  static void end(AnswerStream answerStream, Task task) {
    if (task.getWaiterKey() != null) {
      try {
        answerStream.announceEnd(task.getWaiterKey());
      } catch (RuntimeException e) {
        // The client's server also checks the task itself; losing this only delays it.
        LOG.warning(() -> "Task " + task.getId() + ": end of attempt not announced: " + e);
      }
    }
  }
}
