package io.renqueue.tasks;

import jakarta.ejb.ApplicationException;
import java.util.UUID;

/**
 * A dispatch token names a task the database does not show (yet). Thrown so the message is
 * redelivered later rather than acknowledged as a duplicate.
 */
@ApplicationException(rollback = true)
public class TaskNotVisibleException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TaskNotVisibleException(UUID id) {
    super(
        "Task " + id + " is not in the database (yet); the dispatch token will be redelivered",
        null,
        false,
        false);
  }
}
