package io.renqueue.dispatch;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Topic;
import java.util.UUID;

/**
 * Commands from the scheduler to the workers, on the {@code renqueue.control} topic that every
 * worker subscribes to; the worker running the named task acts, the others ignore it. Sent in the
 * caller's transaction, so a command exists only if the decision behind it committed.
 */
@ApplicationScoped
public class ControlMessages {

  public static final String COMMAND = "renqueue_command";
  public static final String FENCE = "renqueue_fence";
  public static final String PREEMPT = "preempt";

  @Resource(lookup = "jms/renqueue/cf")
  private ConnectionFactory connectionFactory;

  @Resource(lookup = "jms/renqueue/control")
  private Topic control;

  /** Asks the worker running attempt {@code fence} of the task to give up its slot. */
  public void preempt(UUID taskId, int fence) {
    try (JMSContext jms = connectionFactory.createContext()) {
      jms.createProducer()
          .setProperty(COMMAND, PREEMPT)
          .setProperty(FENCE, fence)
          .setTimeToLive(60_000)
          .send(control, taskId.toString());
    }
  }
}
