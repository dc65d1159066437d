package io.renqueue.api.openai;

import io.renqueue.dispatch.WaitingCaller;
import io.renqueue.dispatch.WaitingCallers;
import io.renqueue.submission.ClientWait;
import io.renqueue.submission.InvalidDependenciesException;
import io.renqueue.submission.Submission;
import io.renqueue.submission.TaskSubmissions;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskStore;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * How a synchronous /v1 call waits for its task: registered as a waiting caller before it submits
 * (so no announcement is missed), it wakes when the worker announces the end of an attempt and
 * reads the stored task, which has the final word. Announcements are best effort, and a task ended
 * by a sweep, a cancellation or a worker that died has none, so the task is also read every {@value
 * #CHECK_MILLIS} ms.
 */
final class SynchronousWait {

  static final long CHECK_MILLIS = 1000;

  private SynchronousWait() {}

  /**
   * Submits the task, announcing its end to this caller, and waits for it.
   *
   * @return the task once it has ended, or as it is when {@code waitSeconds} have passed
   */
  static Task submitAndAwait(
      WaitingCallers callers,
      TaskStore store,
      TaskSubmissions submissions,
      String tenant,
      Submission submission,
      long waitSeconds) {
    WaitingCaller caller = callers.register();
    try {
      UUID id;
      try {
        id =
            submissions
                .submit(tenant, submission, null, ClientWait.forTheEnd(caller.key()))
                .task()
                .getId();
      } catch (InvalidDependenciesException e) {
        throw OpenAiRequests.invalid(e.getMessage(), e.errors());
      }
      Instant deadline = Instant.now().plus(Duration.ofSeconds(waitSeconds));
      boolean announced = false;
      while (true) {
        Task t = store.find(id, tenant).orElseThrow();
        Instant now = Instant.now();
        if (t.getState().isTerminal()) {
          callers.endSeen(announced);
          return t;
        }
        if (now.isAfter(deadline)) {
          return t;
        }
        long left = Math.max(1, Duration.between(now, deadline).toMillis());
        try {
          announced = caller.awaitAnnouncement(Math.min(CHECK_MILLIS, left));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return t;
        }
      }
    } finally {
      callers.leave(caller);
    }
  }
}
