package io.renqueue.routing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The router's answer for one task: the candidates in the order to try them, and why every other
 * backend was left out. Stored on the task as its routing trace.
 */
public record RoutingDecision(
    RoutingPolicy policy, List<Candidate> candidates, List<Rejection> rejected, String variant) {

  public RoutingDecision {
    candidates = List.copyOf(candidates);
    rejected = List.copyOf(rejected);
  }

  public RoutingDecision(
      RoutingPolicy policy, List<Candidate> candidates, List<Rejection> rejected) {
    this(policy, candidates, rejected, null);
  }

  /**
   * The same decision with an A/B split's chosen backend tried first; the others stay behind it as
   * fallbacks. Unchanged when the variant cannot serve the task.
   */
  public RoutingDecision preferring(String backend) {
    if (backend == null) {
      return this;
    }
    List<Candidate> ordered = new java.util.ArrayList<>(candidates);
    java.util.Optional<Candidate> chosen =
        ordered.stream().filter(c -> c.backend().equals(backend)).findFirst();
    if (chosen.isEmpty()) {
      return this;
    }
    ordered.remove(chosen.get());
    ordered.add(0, chosen.get());
    return new RoutingDecision(policy, ordered, rejected, backend);
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
