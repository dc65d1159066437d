package io.renqueue.dispatch;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import java.util.logging.Logger;

/**
 * Hears what the stream topic carries for this server's waiting clients (the selector, set in
 * messaging.xml, picks this server's node id) and hands it to them, in order: one session, so
 * answer text arrives as it was produced. Non-durable: a server that was down holds no clients.
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

  @Inject WaitingCallers callers;

  @Override
  public void onMessage(Message message) {
    try {
      String key = message.getStringProperty(AnswerStream.KEY);
      if (key == null) {
        return;
      }
      String body = message.getBody(String.class);
      if (AnswerStream.DELTA.equals(message.getStringProperty(AnswerStream.EVENT))) {
        callers.text(key, body == null ? "" : body);
      } else {
        callers.ended(key, body == null ? "" : body);
      }
    } catch (JMSException e) {
      // The client also reads its task itself; a lost message only delays it.
      LOG.warning(() -> "Ignored an unreadable answer message: " + e.getMessage());
    }
  }
}
