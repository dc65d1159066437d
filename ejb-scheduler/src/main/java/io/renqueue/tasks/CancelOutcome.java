package io.renqueue.tasks;

/** The answer to a cancel request: the task as it now is, or why nothing changed. */
public record CancelOutcome(Result result, Task task) {

  public enum Result {
    CANCELLED,
    NOT_FOUND,
    NOT_CANCELLABLE
  }
}
