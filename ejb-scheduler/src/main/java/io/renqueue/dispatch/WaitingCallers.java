package io.renqueue.dispatch;

import io.renqueue.observability.TaskMetrics;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The synchronous callers this server holds, each waiting for its task to end. A caller registers
 * before it submits and gives the task its key; the worker that runs the task announces the end of
 * each attempt on the stream topic addressed to this server ({@link AnswerStream#announceEnd}), and
 * {@link TaskEndListener} wakes the caller, which reads the stored task. One subscription per
 * server instead of one broker consumer per waiting call, so waiting holds no pooled connection.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class WaitingCallers {

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "api")
  String nodeId;

  @Inject TaskMetrics metrics;

  private final Map<String, WaitingCaller> callers = new ConcurrentHashMap<>();

  public WaitingCaller register() {
    WaitingCaller caller = new WaitingCaller(AnswerStream.waiterKey(nodeId, UUID.randomUUID()));
    callers.put(caller.key(), caller);
    return caller;
  }

  public void leave(WaitingCaller caller) {
    callers.remove(caller.key());
  }

  /** The caller found its task ended, after an announcement or not (for the metrics). */
  public void endSeen(boolean announced) {
    metrics.synchronousEndSeen(announced);
  }

  /** An attempt of the task this key was given to ended; nothing if its caller has left. */
  public void attemptEnded(String key) {
    WaitingCaller caller = callers.get(key);
    if (caller != null) {
      caller.wake();
    }
  }
}
