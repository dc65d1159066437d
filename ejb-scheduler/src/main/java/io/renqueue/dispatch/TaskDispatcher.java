package io.renqueue.dispatch;

import io.renqueue.tasks.Priority;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import java.util.UUID;

/**
 * Sends a task's dispatch token to the prioritized queue. It joins the caller's JTA transaction
 * through the Artemis resource adapter, so the token exists exactly when the database change that
 * made the task dispatchable commits.
 */
@Stateless
public class TaskDispatcher {

  /** JMS property that repeats the priority level, for browsing and selectors. */
  public static final String PRIORITY_PROPERTY = "renqueue_priority";

  @Resource(lookup = "jms/renqueue/cf")
  private ConnectionFactory connectionFactory;

  @Resource(lookup = "jms/renqueue/dispatch")
  private Queue dispatchQueue;

  public void dispatch(UUID taskId, Priority priority) {
    dispatch(taskId, priority, priority.jmsPriority());
  }

  /** A token at {@code jmsPriority}, which aging may have raised above the level's own. */
  public void dispatch(UUID taskId, Priority priority, int jmsPriority) {
    dispatchLater(taskId, priority, jmsPriority, 0);
  }

  /**
   * A token the broker holds back for {@code delayMillis} (JMS delivery delay): for a task that may
   * not be claimed before then.
   */
  public void dispatchLater(UUID taskId, Priority priority, int jmsPriority, long delayMillis) {
    try (JMSContext jms = connectionFactory.createContext()) {
      jms.createProducer()
          .setDeliveryMode(DeliveryMode.PERSISTENT)
          .setPriority(jmsPriority)
          .setDeliveryDelay(Math.max(0, delayMillis))
          .setProperty(PRIORITY_PROPERTY, priority.wireName())
          .send(dispatchQueue, taskId.toString());
    }
  }
}
