package io.renqueue.api.openai;

import io.renqueue.dispatch.WaitingCaller;
import io.renqueue.dispatch.WaitingCallers;
import io.renqueue.submission.ClientWait;
import io.renqueue.submission.InvalidDependenciesException;
import io.renqueue.submission.Origin;
import io.renqueue.submission.Submission;
import io.renqueue.submission.TaskAcceptance;
import io.renqueue.tasks.TaskStore;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * How a synchronous /v1 call waits for its task: registered as a waiting caller before it submits
 * (so the end cannot be missed), it is woken by the ended task itself, which the worker (or the
 * sweep, or a cancellation) publishes to this server once the outcome has committed; the answer
 * needs no database read. Announcements are best effort, so a call that heard nothing for {@value
 * #CHECK_MILLIS} ms reads its task.
 */
final class SynchronousWait {

  static final long CHECK_MILLIS = 1000;

  private SynchronousWait() {}

  /**
   * Submits the task, announcing its end to this caller, and waits for it.
   *
   * @return the task once it has ended, or as it is when {@code waitSeconds} have passed
   */
  static AnsweredTask submitAndAwait(
      WaitingCallers callers,
      TaskStore store,
      TaskAcceptance acceptance,
      String tenant,
      Submission submission,
      long waitSeconds) {
    WaitingCaller caller = callers.register();
    try {
      UUID id;
      try {
        id =
            acceptance
                .accept(tenant, submission, Origin.waiting(ClientWait.forTheEnd(caller.key())))
                .task()
                .getId();
      } catch (InvalidDependenciesException e) {
        throw OpenAiRequests.invalid(e.getMessage(), e.errors());
      }
      Instant deadline = Instant.now().plus(Duration.ofSeconds(waitSeconds));
      while (true) {
        long left = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        Optional<JsonObject> announced;
        try {
          announced = caller.await(Math.min(CHECK_MILLIS, left));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return read(store, id, tenant);
        }
        if (announced.isPresent()) {
          AnsweredTask t = AnsweredTask.of(announced.get());
          if (t.ended()) {
            callers.endSeen(true);
            return t;
          }
        }
        AnsweredTask t = read(store, id, tenant);
        if (t.ended()) {
          callers.endSeen(false);
          return t;
        }
        if (Instant.now().isAfter(deadline)) {
          return t;
        }
      }
    } finally {
      callers.leave(caller);
    }
  }

  private static AnsweredTask read(TaskStore store, UUID id, String tenant) {
    return AnsweredTask.of(store.find(id, tenant).orElseThrow());
  }
}
