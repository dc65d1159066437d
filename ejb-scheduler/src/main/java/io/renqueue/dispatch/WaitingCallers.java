package io.renqueue.dispatch;

import io.renqueue.observability.TaskMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The clients this server holds, each waiting for its task's answer. A client registers before it
 * submits and gives the task its key; the worker running the task publishes answer text (for a
 * streaming client) and, once the outcome is committed, the ended task, on the stream topic
 * addressed to this server ({@link AnswerStream}), and {@link TaskEndListener} hands it to the
 * client. One subscription per server instead of one broker consumer per waiting client, so a
 * waiting client holds no broker connection and no thread.
 */
@ApplicationScoped
public class WaitingCallers {

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "api")
  String nodeId;

  @Inject TaskMetrics metrics;

  private final Map<String, AnswerListener> waiting = new ConcurrentHashMap<>();

  /** A synchronous caller, registered. */
  public WaitingCaller register() {
    WaitingCaller caller = new WaitingCaller();
    caller.key(register(caller));
    return caller;
  }

  /** Registers a listener and returns the key its task must carry. */
  public String register(AnswerListener listener) {
    String key = AnswerStream.waiterKey(nodeId, UUID.randomUUID());
    waiting.put(key, listener);
    return key;
  }

  public void leave(String key) {
    waiting.remove(key);
  }

  public void leave(WaitingCaller caller) {
    leave(caller.key());
  }

  /** Clients waiting on this server now. */
  public int count() {
    return waiting.size();
  }

  /** The caller found its task ended, by the announcement or by reading it (for the metrics). */
  public void endSeen(boolean announced) {
    metrics.synchronousEndSeen(announced);
  }

  void text(String key, String delta) {
    AnswerListener l = waiting.get(key);
    if (l != null) {
      l.text(delta);
    }
  }

  void ended(String key, String taskJson) {
    AnswerListener l = waiting.get(key);
    if (l != null) {
      l.ended(taskJson);
    }
  }
}
