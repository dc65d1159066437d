package io.renqueue.dispatch;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Commands from the scheduler to the workers, on the {@code renqueue.control} topic that every
 * worker subscribes to; the worker running the named task acts, the others ignore it. Published
 * once the caller's transaction has committed, so a command exists only if the decision behind it
 * did; non-persistent, since a lost one is asked again by the next check.
 */
@ApplicationScoped
public class ControlMessages {

  private static final Logger LOG = Logger.getLogger(ControlMessages.class.getName());

  public static final String TOPIC = "renqueue.control";
  public static final String COMMAND = "renqueue_command";
  public static final String FENCE = "renqueue_fence";
  public static final String PREEMPT = "preempt";

  @Inject BrokerLink broker;

  @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
  TransactionSynchronizationRegistry transactions;

  /** Asks the worker running attempt {@code fence} of the task to give up its slot. */
  public void preempt(UUID taskId, int fence) {
    Runnable publish =
        () -> {
          try {
            broker.publish(
                TOPIC,
                taskId.toString(),
                Map.of(COMMAND, PREEMPT, FENCE, String.valueOf(fence)),
                60_000);
          } catch (Exception e) {
            LOG.warning(() -> "Preemption of task " + taskId + " not sent: " + e);
          }
        };
    if (transactions.getTransactionKey() == null) {
      publish.run();
      return;
    }
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              publish.run();
            }
          }
        });
  }
}
