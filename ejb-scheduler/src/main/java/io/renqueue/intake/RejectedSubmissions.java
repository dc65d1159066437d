package io.renqueue.intake;

import io.renqueue.observability.TaskMetrics;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.logging.Logger;

/**
 * Moves a submission that cannot become a task to the dead-letter queue, with properties that say
 * why, in the same transaction that consumes it: it is never silently acknowledged.
 */
@Stateless
public class RejectedSubmissions {

  public static final String REASON = "renqueue_rejection_reason";
  public static final String DETAIL = "renqueue_rejection_detail";
  public static final String ORIGINAL_ID = "renqueue_original_message_id";
  public static final String ORIGINAL_TYPE = "renqueue_original_message_type";

  private static final Logger LOG = Logger.getLogger(RejectedSubmissions.class.getName());

  @Resource(lookup = "jms/renqueue/cf")
  private ConnectionFactory connectionFactory;

  @Resource(lookup = "jms/renqueue/submit-dlq")
  private Queue deadLetters;

  @Inject private TaskMetrics metrics;

  public void reject(Message original, String body, String reason, String detail)
      throws JMSException {
    try (JMSContext jms = connectionFactory.createContext()) {
      JMSProducer producer =
          jms.createProducer()
              .setDeliveryMode(DeliveryMode.PERSISTENT)
              .setProperty(REASON, reason)
              .setProperty(DETAIL, detail)
              .setProperty(ORIGINAL_ID, original.getJMSMessageID());
      if (original.getJMSCorrelationID() != null) {
        producer.setJMSCorrelationID(original.getJMSCorrelationID());
      }
      if (original.getJMSReplyTo() != null) {
        producer.setJMSReplyTo(original.getJMSReplyTo());
      }
      producer.setProperty(ORIGINAL_TYPE, messageType(original));
      if (original instanceof TextMessage) {
        producer.send(deadLetters, body);
      } else if (original instanceof BytesMessage) {
        producer.send(deadLetters, original.getBody(byte[].class));
      } else {
        // Map, Object and Stream bodies cannot be copied generically; the reason says what it was.
        producer.send(deadLetters, "");
      }
    }
    metrics.rejectedSubmission(reason);
    LOG.warning(
        () ->
            "Dead-lettered JMS submission " + messageId(original) + " (" + reason + "): " + detail);
  }

  private static String messageType(Message m) {
    for (Class<?> type :
        new Class<?>[] {
          TextMessage.class,
          BytesMessage.class,
          MapMessage.class,
          ObjectMessage.class,
          StreamMessage.class
        }) {
      if (type.isInstance(m)) {
        return type.getSimpleName();
      }
    }
    return "Message";
  }

  private static String messageId(Message m) {
    try {
      return m.getJMSMessageID();
    } catch (JMSException e) {
      return "?";
    }
  }
}
