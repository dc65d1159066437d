package io.renqueue.dispatch;

import io.renqueue.observability.TaskMetrics;
import io.renqueue.tasks.Task;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import java.util.logging.Logger;

/**
 * Puts the dispatch token of a task that failed on its own account (every attempt used, or a
 * request no backend accepts) on the dispatch dead-letter queue, with properties that say why. It
 * joins the caller's transaction: the token is there exactly when the task's FAILED state commits.
 * The database stays the truth; the dead-letter queue is where operators and tools look for poison
 * work, as they do for tokens the broker gave up on.
 */
@Stateless
public class TaskDeadLetters {

  public static final String TASK_ID = "renqueue_task_id";
  public static final String REASON = "renqueue_dead_letter_reason";
  public static final String DETAIL = "renqueue_dead_letter_detail";
  public static final String ATTEMPTS = "renqueue_attempts";
  public static final String TENANT = "renqueue_tenant";

  private static final Logger LOG = Logger.getLogger(TaskDeadLetters.class.getName());

  @Resource(lookup = "jms/renqueue/cf")
  private ConnectionFactory connectionFactory;

  @Resource(lookup = "jms/renqueue/dispatch-dlq")
  private Queue deadLetters;

  @Inject private TaskMetrics metrics;

  public void send(Task task) {
    try (JMSContext jms = connectionFactory.createContext()) {
      jms.createProducer()
          .setDeliveryMode(DeliveryMode.PERSISTENT)
          .setProperty(TASK_ID, task.getId().toString())
          .setProperty(REASON, task.getErrorCode())
          .setProperty(DETAIL, task.getErrorMessage())
          .setProperty(ATTEMPTS, task.getAttempts())
          .setProperty(TENANT, task.getTenantId())
          .setProperty(TaskDispatcher.PRIORITY_PROPERTY, task.getPriority().wireName())
          .send(deadLetters, task.getId().toString());
    }
    metrics.deadLettered(task.getErrorCode());
    LOG.warning(
        () ->
            "Task "
                + task.getId()
                + " dead-lettered to renqueue.dispatch.dlq ("
                + task.getErrorCode()
                + " after "
                + task.getAttempts()
                + " claim(s))");
  }
}
