package io.renqueue.dispatch;

/**
 * A client waiting on this server for its task's answer, as {@link TaskEndListener} hears it:
 * answer text as it is produced (streaming clients), and the ended task itself.
 */
public interface AnswerListener {

  /** More answer text, in order. */
  default void text(String delta) {}

  /** The task ended; {@code taskJson} is the task as {@code GET /api/v1/tasks/{id}} shows it. */
  void ended(String taskJson);
}
