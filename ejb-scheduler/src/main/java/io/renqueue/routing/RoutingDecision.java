package io.renqueue.routing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The router's answer for one task: the candidates in the order to try them, and why every other
 * backend was left out. Stored on the task as its routing trace.
 */
public record RoutingDecision(
    RoutingPolicy policy, List<Candidate> candidates, List<Rejection> rejected) {

  public RoutingDecision {
    candidates = List.copyOf(candidates);
    rejected = List.copyOf(rejected);
  }

  /**
   * A backend that may serve the task.
   *
   * @param score lower is better; the weighted sum of the normalised terms below
   * @param estimatedCostUsd prompt estimate and full answer budget at the backend's price
   * @param expectedMillis time to first token + answer budget / tokens per second
   */
  public record Candidate(
      String backend,
      String upstreamModel,
      double score,
      double estimatedCostUsd,
      double expectedMillis,
      String why) {}

  /**
   * A backend left out, and why. {@code availableAt} is set when it is only temporarily unavailable
   * (cooling down), so a task with no candidate knows when to try again.
   */
  public record Rejection(String backend, String reason, Instant availableAt) {}

  /** When the earliest temporarily unavailable backend is back, if any is. */
  public Optional<Instant> earliestAvailable() {
    return rejected.stream()
        .map(Rejection::availableAt)
        .filter(a -> a != null)
        .min(Instant::compareTo);
  }
}
