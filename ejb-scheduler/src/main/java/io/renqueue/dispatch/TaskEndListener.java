package io.renqueue.dispatch;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.util.logging.Logger;

/**
 * Hears the ends of attempts addressed to this server on the stream topic (the selector, set in
 * messaging.xml, picks this server's node id) and wakes the callers waiting for them. Non-durable:
 * a server that was down holds no callers.
 */
@MessageDriven(
    name = "TaskEndListener",
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "destinationLookup",
          propertyValue = "jms/renqueue/stream"),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Topic")
    })
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TaskEndListener implements MessageListener {

  private static final Logger LOG = Logger.getLogger(TaskEndListener.class.getName());

  @EJB WaitingCallers callers;

  @Override
  public void onMessage(Message message) {
    try {
      String key = message.getStringProperty(AnswerStream.KEY);
      if (key != null) {
        callers.attemptEnded(key);
      }
    } catch (JMSException e) {
      // The caller also reads its task every second; a lost announcement only delays it.
      LOG.warning(() -> "Ignored an unreadable end-of-attempt announcement: " + e.getMessage());
    }
  }
}
