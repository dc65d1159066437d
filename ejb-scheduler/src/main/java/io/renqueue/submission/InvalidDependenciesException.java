package io.renqueue.submission;

import jakarta.ejb.ApplicationException;
import java.util.List;

/**
 * A submission names dependencies, or a parent, that are not tasks of its tenant. Thrown before
 * anything is written and without rolling back, so a JMS intake can still dead-letter the message
 * in the same transaction.
 */
@ApplicationException(rollback = false)
public class InvalidDependenciesException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<FieldError> errors;

  public InvalidDependenciesException(List<FieldError> errors) {
    super("The task refers to tasks that do not exist.", null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
