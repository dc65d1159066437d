package io.renqueue.tasks;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSContext;

/**
 * Sends a finished task to the reply destination its JMS producer asked for. Runs inside the
 * transaction that made the task terminal, so the reply is sent exactly when that commits. A CDI
 * bean, not an EJB: a failed send must not doom the caller's transaction (see TaskOutcomes).
 */
@ApplicationScoped
public class TaskReplies {

  @Resource(lookup = "jms/renqueue/cf")
  private ConnectionFactory connectionFactory;

  public void send(ReplyAddress to, String body) {
    try (JMSContext jms = connectionFactory.createContext()) {
      Destination destination =
          to.kind() == ReplyAddress.Kind.QUEUE
              ? jms.createQueue(to.name())
              : jms.createTopic(to.name());
      var producer = jms.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
      if (to.correlationId() != null) {
        producer.setJMSCorrelationID(to.correlationId());
      }
      producer.send(destination, body);
    }
  }
}
