package io.renqueue.submission;

import java.util.List;

/**
 * What became of one task of a batch: accepted (or found again by its idempotency key), or refused
 * with the fields that are wrong. A refused item writes nothing.
 */
public record ItemResult(int index, SubmitResult accepted, List<FieldError> problems) {

  public static ItemResult accepted(int index, SubmitResult result) {
    return new ItemResult(index, result, List.of());
  }

  public static ItemResult refused(int index, List<FieldError> problems) {
    return new ItemResult(index, null, List.copyOf(problems));
  }

  public boolean isAccepted() {
    return accepted != null;
  }
}
