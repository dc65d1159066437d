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

/**
 * A worker slot. Each MDB instance takes one dispatch token at a time from the prioritized queue
 * (the activation spec's maxSession is the node's slot count) and runs that task to its end. No
 * transaction spans the backend call; the token is acknowledged when the task has an outcome, so a
 * worker that dies mid-task leaves a token the broker redelivers.
 */
@MessageDriven(
    name = "TaskDispatchListener",
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "destinationLookup",
          propertyValue = "jms/renqueue/dispatch"),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Queue")
    })
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TaskDispatchListener implements MessageListener {

  @Inject TaskExecution execution;

  @Override
  public void onMessage(Message message) {
    String body;
    try {
      body = message.getBody(String.class);
    } catch (JMSException e) {
      throw new IllegalArgumentException("Dispatch token is not a text message", e);
    }
    // A token that is not a task id is refused; the broker dead-letters it after its retries.
    execution.execute(UUID.fromString(body.trim()));
  }
}
