package io.renqueue.intake;

import io.renqueue.submission.FieldError;
import io.renqueue.submission.InvalidSubmissionException;
import java.util.stream.Collectors;

/** One-line text of everything wrong with a submission, for dead-letter properties and logs. */
final class SubmissionErrors {

  private SubmissionErrors() {}

  static String describe(InvalidSubmissionException e) {
    if (e.errors().isEmpty()) {
      return e.getMessage();
    }
    return e.getMessage()
        + " "
        + e.errors().stream().map(SubmissionErrors::describe).collect(Collectors.joining("; "));
  }

  private static String describe(FieldError f) {
    return f.field() + ": " + f.message();
  }
}
