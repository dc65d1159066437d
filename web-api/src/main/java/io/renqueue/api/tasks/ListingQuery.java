package io.renqueue.api.tasks;

import io.renqueue.api.problems.Problem;
import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.submission.FieldError;
import io.renqueue.tasks.ListCursor;
import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskFilter;
import io.renqueue.tasks.TaskState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Validates the query parameters of {@code GET /tasks} into a filter, naming each bad one. */
final class ListingQuery {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private ListingQuery() {}

  static TaskFilter parse(
      String tenant, String state, String priority, String limit, String cursor) {
    List<FieldError> errors = new ArrayList<>();
    TaskState s = null;
    if (state != null && !state.isBlank()) {
      s = TaskState.fromWire(state);
      if (s == null) {
        errors.add(
            new FieldError(
                "state",
                "unknown state '"
                    + state
                    + "'; use one of "
                    + Arrays.toString(TaskState.values())));
      }
    }
    Priority p = null;
    if (priority != null && !priority.isBlank()) {
      p = Priority.fromWire(priority);
      if (p == null) {
        errors.add(
            new FieldError(
                "priority",
                "unknown priority '" + priority + "'; use one of " + Priority.allowedValues()));
      }
    }
    int n = DEFAULT_LIMIT;
    if (limit != null && !limit.isBlank()) {
      try {
        n = Integer.parseInt(limit.trim());
        if (n < 1 || n > MAX_LIMIT) {
          errors.add(new FieldError("limit", "must be between 1 and " + MAX_LIMIT));
        }
      } catch (NumberFormatException e) {
        errors.add(new FieldError("limit", "must be a whole number"));
      }
    }
    ListCursor c = null;
    if (cursor != null && !cursor.isBlank()) {
      try {
        c = ListCursor.decode(cursor);
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("cursor", "is not a cursor this API returned"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ProblemException(
          new Problem(
              ProblemType.INVALID_REQUEST, "The listing has invalid query parameters.", errors));
    }
    return new TaskFilter(tenant, s, p, n, c);
  }
}
