package io.renqueue.execution;

/** Wraps the failure to store an outcome, so that it is not stored as a task failure. */
final class OutcomeNotRecordedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OutcomeNotRecordedException(RuntimeException cause) {
    super(cause);
  }
}
