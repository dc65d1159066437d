package io.renqueue.dispatch;

import io.renqueue.tasks.Priority;
import java.util.Map;
import java.util.UUID;

/**
 * A persistent message to send once the database change it follows has committed: a dispatch token,
 * a JMS reply, a dead-letter copy. {@code confirms} says what to record on the task row once the
 * broker has it.
 */
public record Outgoing(
    Kind kind,
    String address,
    boolean topic,
    String body,
    int jmsPriority,
    long delayMillis,
    Map<String, String> properties,
    String correlationId,
    UUID task,
    Confirms confirms) {

  public enum Kind {
    TOKEN,
    NOTICE
  }

  /** What the relay records on the task once the broker has the message. */
  public enum Confirms {
    /** Nothing: an extra token (aging, a renewal) for a task that has one already. */
    NOTHING,
    /** {@code dispatched_at}: the token of the task's current wait is on the broker. */
    DISPATCH,
    /** {@code notice_pending = false}: what the ended task owed its requester is on the broker. */
    NOTICE
  }

  public static final String DISPATCH_QUEUE = "renqueue.dispatch";

  /** JMS property that repeats the priority level, for browsing and selectors. */
  public static final String PRIORITY_PROPERTY = "renqueue_priority";

  /** The token of a task's new wait in the queue, confirmed on its row. */
  public static Outgoing token(UUID task, Priority priority, int jmsPriority, long delayMillis) {
    return new Outgoing(
        Kind.TOKEN,
        DISPATCH_QUEUE,
        false,
        task.toString(),
        jmsPriority,
        Math.max(0, delayMillis),
        Map.of(PRIORITY_PROPERTY, priority.wireName()),
        null,
        task,
        Confirms.DISPATCH);
  }

  /** One more token for a task that has one (aging, renewals): nothing to confirm. */
  public static Outgoing extraToken(UUID task, Priority priority, int jmsPriority, long delay) {
    return new Outgoing(
        Kind.TOKEN,
        DISPATCH_QUEUE,
        false,
        task.toString(),
        jmsPriority,
        Math.max(0, delay),
        Map.of(PRIORITY_PROPERTY, priority.wireName()),
        null,
        task,
        Confirms.NOTHING);
  }

  public boolean isTokenToConfirm() {
    return confirms == Confirms.DISPATCH;
  }
}
