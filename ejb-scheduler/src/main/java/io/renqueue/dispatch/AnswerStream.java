package io.renqueue.dispatch;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Topic;
import java.util.UUID;

/**
 * Answer text on its way to a streaming client: the worker publishes each piece as the backend
 * produces it on the {@code renqueue.stream} topic under the task's relay key, and the server
 * holding the client's request listens for that key. The end of each attempt is announced the same
 * way, also to synchronous callers, whose keys name their server ({@link #waiterKey}) so that one
 * subscription per server ({@link TaskEndListener}) hears them. Non-persistent and short-lived: the
 * task's stored result stays the truth, the stream is only the early view of it. Each piece is sent
 * in a transaction of its own: a worker runs without a JTA transaction, and Liberty would otherwise
 * hold the sends in a local transaction until the task ends (sends from a NOT_SUPPORTED method were
 * never delivered at all when tried).
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

  /** String property of an end announced to a synchronous caller: the node id of its server. */
  public static final String SERVER = "renqueue_server";

  public static final String DELTA = "delta";
  public static final String END = "end";

  @Resource(lookup = "jms/renqueue/cf")
  private ConnectionFactory connectionFactory;

  @Resource(lookup = "jms/renqueue/stream")
  private Topic stream;

  private static final char SERVER_END = '#';

  /** The key of a synchronous caller waiting on the server {@code nodeId}. */
  static String waiterKey(String nodeId, UUID caller) {
    return nodeId + SERVER_END + caller;
  }

  public void delta(String key, String text) {
    publish(key, DELTA, text, null);
  }

  /** The node id a synchronous caller's key names; null for a streaming client's key. */
  static String serverOf(String key) {
    int serverEnd = key.lastIndexOf(SERVER_END);
    return serverEnd < 0 ? null : key.substring(0, serverEnd);
  }

  /** An attempt ended: the waiting client's server reads the stored task. */
  public void announceEnd(String key) {
    publish(key, END, "", serverOf(key));
  }

  private void publish(String key, String event, String text, String server) {
    try (JMSContext jms = connectionFactory.createContext()) {
      JMSProducer producer =
          jms.createProducer()
              .setDeliveryMode(DeliveryMode.NON_PERSISTENT)
              .setTimeToLive(120_000)
              .setProperty(KEY, key)
              .setProperty(EVENT, event);
      if (server != null) {
        producer.setProperty(SERVER, server);
      }
      producer.send(stream, text);
    }
  }
}
