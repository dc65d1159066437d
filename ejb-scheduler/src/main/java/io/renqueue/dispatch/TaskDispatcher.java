package io.renqueue.dispatch;

import io.renqueue.tasks.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.UUID;

/**
 * Dispatch tokens for code that changes tasks inside a JTA transaction (the node registry's
 * judgement of a dead node) or after its own commit: the token goes to the {@link OutboxRelay} once
 * the transaction has committed, never before, so no token names a change that rolled back. The
 * per-task path registers its tokens on its {@link io.renqueue.storage.Unit} instead.
 */
@ApplicationScoped
public class TaskDispatcher {

  /** JMS property that repeats the priority level, for browsing and selectors. */
  public static final String PRIORITY_PROPERTY = Outgoing.PRIORITY_PROPERTY;

  @Inject OutboxRelay relay;

  @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
  TransactionSynchronizationRegistry transactions;

  /** The token of a task's new wait, confirmed on its row once the broker has it. */
  public void dispatch(UUID taskId, Priority priority, int jmsPriority) {
    afterCommit(Outgoing.token(taskId, priority, jmsPriority, 0));
  }

  /** One more token for a task that already has one (a lost token's replacement, a hand-off). */
  public void dispatchExtra(UUID taskId, Priority priority, int jmsPriority, long delayMillis) {
    afterCommit(Outgoing.extraToken(taskId, priority, jmsPriority, delayMillis));
  }

  private void afterCommit(Outgoing token) {
    if (transactions.getTransactionKey() == null) {
      relay.submit(token);
      return;
    }
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              relay.submit(token);
            }
          }
        });
  }
}
