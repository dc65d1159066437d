package io.renqueue.dispatch;

import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.util.Map;
import java.util.UUID;

/**
 * Answers on their way to the server a client waits on: the worker publishes answer text as the
 * backend produces it, and the ended task itself once its outcome has committed, on the {@code
 * renqueue.stream} topic under the client's key. A key names its server ({@link #waiterKey}), so
 * one subscription per server ({@link TaskEndListener}) hears everything its clients wait for and
 * no waiting client holds a broker connection. Non-persistent and best effort: the stored task
 * stays the truth, and a client that hears nothing reads it.
 */
@ApplicationScoped
public class AnswerStream {

  public static final String TOPIC = "renqueue.stream";

  /** String property: the waiting client's key. */
  public static final String KEY = "renqueue_relay";

  /** String property: {@link #DELTA} (the body is more text) or {@link #END} (the task ended). */
  public static final String EVENT = "renqueue_event";

  /** String property: the node id of the server the client waits on. */
  public static final String SERVER = "renqueue_server";

  public static final String DELTA = "delta";
  public static final String END = "end";

  private static final long TTL_MILLIS = 120_000;
  private static final char SERVER_END = '#';

  @Inject BrokerLink broker;

  /** The key of a client waiting on the server {@code nodeId}. */
  public static String waiterKey(String nodeId, UUID caller) {
    return nodeId + SERVER_END + caller;
  }

  /** The node id a key names; null for a key without one. */
  static String serverOf(String key) {
    int serverEnd = key.lastIndexOf(SERVER_END);
    return serverEnd < 0 ? null : key.substring(0, serverEnd);
  }

  /** More answer text for a streaming client. */
  public void delta(String key, String text) throws JMSException {
    broker.publish(TOPIC, text, properties(key, DELTA), TTL_MILLIS);
  }

  /** The task ended (its outcome is committed): the body is the whole task, as GET returns it. */
  public void ended(Task task) throws JMSException {
    broker.publish(
        TOPIC, TaskJson.render(task).toString(), properties(task.getWaiterKey(), END), TTL_MILLIS);
  }

  private static Map<String, String> properties(String key, String event) {
    String server = serverOf(key);
    return server == null
        ? Map.of(KEY, key, EVENT, event)
        : Map.of(KEY, key, EVENT, event, SERVER, server);
  }
}
