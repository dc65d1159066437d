package io.renqueue.execution;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Listens to the scheduler's control topic; a preemption command for a task this worker runs
 * interrupts its backend call, and the task goes back to the queue. Commands for other workers'
 * tasks are ignored.
 */
@MessageDriven(
    name = "PreemptionListener",
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "destinationLookup",
          propertyValue = "jms/renqueue/control"),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Topic")
    })
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PreemptionListener implements MessageListener {

  private static final Logger LOG = Logger.getLogger(PreemptionListener.class.getName());

  @Inject RunningTasks running;

  @Override
  public void onMessage(Message message) {
    try {
      if (!"preempt".equals(message.getStringProperty("renqueue_command"))) {
        return;
      }
      UUID task = UUID.fromString(message.getBody(String.class).trim());
      int fence = message.getIntProperty("renqueue_fence");
      if (running.preempt(task, fence)) {
        LOG.info(() -> "Preempting task " + task + " (attempt " + fence + ") on this worker");
      }
    } catch (JMSException | IllegalArgumentException e) {
      // A malformed command is dropped: commands are advisory and the scheduler asks again.
      LOG.warning(() -> "Ignored an unreadable control message: " + e.getMessage());
    }
  }
}
