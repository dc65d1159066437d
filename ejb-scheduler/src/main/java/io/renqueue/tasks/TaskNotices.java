package io.renqueue.tasks;

import io.renqueue.dispatch.Outgoing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an ended task owes others on the broker, sent after the commit that ended it and recorded as
 * sent on its row ({@code notice_pending}): the JMS reply its producer asked for, and for a task
 * that failed on its own account a copy of its token on {@code renqueue.dispatch.dlq} with the
 * reason, where operators and tools look for poison work.
 */
public final class TaskNotices {

  public static final String DEAD_LETTER_QUEUE = "renqueue.dispatch.dlq";
  public static final String TASK_ID = "renqueue_task_id";
  public static final String REASON = "renqueue_dead_letter_reason";
  public static final String DETAIL = "renqueue_dead_letter_detail";
  public static final String ATTEMPTS = "renqueue_attempts";
  public static final String TENANT = "renqueue_tenant";

  /**
   * The SQL condition, over the row before the terminal update sets {@code state}, under which
   * {@code target} owes notices; used to set {@code notice_pending} in the same statement.
   */
  public static String owedWhen(TaskState target, String errorCodeExpression) {
    if (target == TaskState.FAILED) {
      return "(reply_to IS NOT NULL OR " + errorCodeExpression + " <> 'dependency_failed')";
    }
    return "(reply_to IS NOT NULL)";
  }

  private TaskNotices() {}

  /** Failed for what it is or does, not because a task it depends on failed. */
  public static boolean deadLettered(Task t) {
    return t.getState() == TaskState.FAILED && !"dependency_failed".equals(t.getErrorCode());
  }

  /** Every notice the ended task owes, in the order they are sent; empty for most tasks. */
  public static List<Outgoing> of(Task t) {
    List<Outgoing> notices = new ArrayList<>(2);
    if (deadLettered(t)) {
      Map<String, String> why = new java.util.HashMap<>();
      why.put(TASK_ID, t.getId().toString());
      why.put(REASON, t.getErrorCode());
      if (t.getErrorMessage() != null) {
        why.put(DETAIL, t.getErrorMessage());
      }
      why.put(ATTEMPTS, String.valueOf(t.getAttempts()));
      why.put(TENANT, t.getTenantId());
      why.put(Outgoing.PRIORITY_PROPERTY, t.getPriority().wireName());
      notices.add(
          new Outgoing(
              Outgoing.Kind.NOTICE,
              DEAD_LETTER_QUEUE,
              false,
              t.getId().toString(),
              4,
              0,
              why,
              null,
              t.getId(),
              Outgoing.Confirms.NOTICE));
    }
    ReplyAddress to = ReplyAddress.decode(t.getReplyTo(), t.getCorrelationId());
    if (to != null) {
      notices.add(
          new Outgoing(
              Outgoing.Kind.NOTICE,
              to.name(),
              to.kind() == ReplyAddress.Kind.TOPIC,
              TaskJson.render(t).toString(),
              4,
              0,
              Map.of(),
              to.correlationId(),
              t.getId(),
              Outgoing.Confirms.NOTICE));
    }
    return notices;
  }
}
