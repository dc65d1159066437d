package io.renqueue.submission;

import java.util.List;

/**
 * A submission that cannot become a task. {@link #kind()} tells a malformed document (not JSON, not
 * an object) from a well-formed one with invalid fields; both are the client's fault.
 */
public class InvalidSubmissionException extends Exception {

  private static final long serialVersionUID = 1L;

  public enum Kind {
    MALFORMED_JSON,
    INVALID_FIELDS,
    TOO_LARGE
  }

  private final Kind kind;
  private final transient List<FieldError> errors;

  public InvalidSubmissionException(Kind kind, String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    this.kind = kind;
    this.errors = List.copyOf(errors);
  }

  public Kind kind() {
    return kind;
  }

  public List<FieldError> errors() {
    return errors;
  }
}
