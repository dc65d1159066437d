package io.renqueue.execution;

import io.renqueue.backends.Relay;
import io.renqueue.dispatch.AnswerStream;
import io.renqueue.tasks.Task;
import jakarta.jms.JMSException;
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
    } catch (JMSException | RuntimeException e) {
      broken = true;
      LOG.warning(() -> "Task " + task.getId() + ": streaming relay stopped: " + e);
    }
  }

  @Override
  public boolean active() {
    return !broken;
  }
}
