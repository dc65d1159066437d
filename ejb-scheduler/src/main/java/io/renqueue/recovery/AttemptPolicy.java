package io.renqueue.recovery;

import java.time.Duration;
import java.util.Optional;

/**
 * How many attempts a task gets and how long it waits after a failed one. Only attempts that ran
 * and failed (every backend failed, or the worker vanished) count: a claim that was preempted or
 * deferred because no backend was free is not the task's fault.
 *
 * @param maxAttempts attempts in all; after the last the task ends FAILED and is dead-lettered
 * @param firstDelay wait before the second attempt; it doubles for each further one
 * @param maxDelay the longest wait between attempts
 */
public record AttemptPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay) {

  public AttemptPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("renqueue.max-attempts must be at least 1");
    }
    if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
      throw new IllegalArgumentException(
          "retry delays must be 0 or more, the maximum at least the first");
    }
  }

  /** Attempts a task has used: its claims, less those preempted or deferred. */
  public static int used(int claims, int preemptions, int deferrals) {
    return claims - preemptions - deferrals;
  }

  /** The wait before another attempt, after {@code used} attempts; empty when none is left. */
  public Optional<Duration> nextAttemptAfter(int used) {
    if (used >= maxAttempts) {
      return Optional.empty();
    }
    Duration delay = firstDelay;
    for (int i = 1; i < used && delay.compareTo(maxDelay) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return Optional.of(delay.compareTo(maxDelay) > 0 ? maxDelay : delay);
  }

  /** For a waiting reason or an error message: "attempt 2 of 3". */
  public String describe(int used) {
    return "attempt " + used + " of " + maxAttempts;
  }
}
