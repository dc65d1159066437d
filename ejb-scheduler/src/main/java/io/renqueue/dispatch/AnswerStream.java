package io.renqueue.dispatch;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.Topic;

/**
 * Answer text on its way to a streaming client: the worker publishes each piece as the backend
 * produces it on the {@code renqueue.stream} topic under the task's relay key, and the server
 * holding the client's request listens for that key. Non-persistent and short-lived: the task's
 * stored result stays the truth, the stream is only the early view of it. Each piece is sent in a
 * transaction of its own: a worker runs without a JTA transaction, and Liberty would otherwise hold
 * the sends in a local transaction until the task ends.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class AnswerStream {

  /** String property: the relay key a listener selects on. */
  public static final String KEY = "renqueue_relay";

  /**
   * String property: {@link #DELTA} (the body is more text) or {@link #END} (the attempt ended).
   */
  public static final String EVENT = "renqueue_event";

  public static final String DELTA = "delta";
  public static final String END = "end";

  @Resource(lookup = "jms/renqueue/cf")
  private ConnectionFactory connectionFactory;

  @Resource(lookup = "jms/renqueue/stream")
  private Topic stream;

  public void publish(String key, String event, String text) {
    try (JMSContext jms = connectionFactory.createContext()) {
      jms.createProducer()
          .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
          .setTimeToLive(120_000)
          .setProperty(KEY, key)
          .setProperty(EVENT, event)
          .send(stream, text);
    }
  }
}
