package io.renqueue.tasks;

import jakarta.ejb.ApplicationException;
import java.util.UUID;

/**
 * A dispatch token cannot be used now but may be later: it names a task the database does not show
 * (yet), or other slots won every task it tried. Thrown so the message is redelivered rather than
 * acknowledged as a duplicate.
 */
@ApplicationException(rollback = true)
public class TaskNotVisibleException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TaskNotVisibleException(UUID id) {
    this("Task " + id + " is not in the database (yet); the dispatch token will be redelivered");
  }

  private TaskNotVisibleException(String message) {
    super(message, null, false, false);
  }

  /** Every task this slot tried to claim went to another slot first, and some still wait. */
  public static TaskNotVisibleException contended(int rounds) {
    return new TaskNotVisibleException(
        "Other slots claimed each of the "
            + rounds
            + " tasks this one tried; the dispatch token will be redelivered");
  }
}
