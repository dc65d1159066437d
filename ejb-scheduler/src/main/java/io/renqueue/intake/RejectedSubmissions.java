package io.renqueue.intake;

import io.renqueue.dispatch.BrokerLink;
import io.renqueue.observability.TaskMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.util.logging.Logger;

/**
 * Moves a submission that cannot become a task to the dead-letter queue, with properties that say
 * why, before the message it copies is acknowledged: it is never silently dropped. If this server
 * dies between the two, the message comes again and is rejected again; the broker's duplicate
 * detection (the original message id) keeps one copy.
 */
@ApplicationScoped
public class RejectedSubmissions {

  public static final String QUEUE = "renqueue.submit.dlq";
  public static final String REASON = "renqueue_rejection_reason";
  public static final String DETAIL = "renqueue_rejection_detail";
  public static final String ORIGINAL_ID = "renqueue_original_message_id";
  public static final String ORIGINAL_TYPE = "renqueue_original_message_type";

  private static final Logger LOG = Logger.getLogger(RejectedSubmissions.class.getName());

  @Inject BrokerLink broker;
  @Inject TaskMetrics metrics;

  /** Dead-letters the message, its body being {@code body} (null: copy the original's). */
  public void reject(Message original, String body, String reason, String detail)
      throws JMSException {
    Message copy =
        original instanceof BytesMessage && body == null
            ? broker.newMessage(null, original.getBody(byte[].class))
            : broker.newMessage(body != null ? body : textOf(original), null);
    String originalId = original.getJMSMessageID();
    broker.sendDurably(
        QUEUE,
        copy,
        m -> {
          try {
            m.setStringProperty(REASON, reason);
            m.setStringProperty(DETAIL, detail);
            m.setStringProperty(ORIGINAL_ID, originalId);
            m.setStringProperty(ORIGINAL_TYPE, messageType(original));
            if (original.getJMSCorrelationID() != null) {
              m.setJMSCorrelationID(original.getJMSCorrelationID());
            }
            if (original.getJMSReplyTo() != null) {
              m.setJMSReplyTo(original.getJMSReplyTo());
            }
          } catch (JMSException e) {
            throw new IllegalStateException(e);
          }
        },
        "rejected:" + originalId + ":" + reason);
    metrics.rejectedSubmission(reason);
    LOG.warning(
        () -> "Dead-lettered JMS submission " + originalId + " (" + reason + "): " + detail);
  }

  /** Map, Object and Stream bodies cannot be copied generically; the reason says what it was. */
  private static String textOf(Message m) throws JMSException {
    return m instanceof TextMessage t && t.getText() != null ? t.getText() : "";
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
}
