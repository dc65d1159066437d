package io.renqueue.routing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The router's answer for one task: the candidates in the order to try them, and why every other
 * backend was left out. Stored on the task as its routing trace.
 *
 * @param variant the A/B split's backend tried first, or null
 * @param degradedTo the smaller model whose candidates follow the first {@code primaryCount}, or
 *     null: the degraded path, tried only after a candidate for the requested model failed
 * @param primaryCount how many candidates serve the requested model itself
 */
public record RoutingDecision(
    RoutingPolicy policy,
    List<Candidate> candidates,
    List<Rejection> rejected,
    String variant,
    String degradedTo,
    int primaryCount) {

  public RoutingDecision {
    candidates = List.copyOf(candidates);
    rejected = List.copyOf(rejected);
  }

  public RoutingDecision(
      RoutingPolicy policy, List<Candidate> candidates, List<Rejection> rejected) {
    this(policy, candidates, rejected, null, null, candidates.size());
  }

  /**
   * The same decision with an A/B split's chosen backend tried first; the others stay behind it as
   * fallbacks. Unchanged when the variant cannot serve the task.
   */
  public RoutingDecision preferring(String backend) {
    if (backend == null) {
      return this;
    }
    List<Candidate> primary = new ArrayList<>(candidates.subList(0, primaryCount));
    Optional<Candidate> chosen =
        primary.stream().filter(c -> c.backend().equals(backend)).findFirst();
    if (chosen.isEmpty()) {
      return this;
    }
    primary.remove(chosen.get());
    primary.add(0, chosen.get());
    primary.addAll(candidates.subList(primaryCount, candidates.size()));
    return new RoutingDecision(policy, primary, rejected, backend, degradedTo, primaryCount);
  }

  /**
   * This decision followed by {@code smaller}'s candidates, for when every candidate of the
   * requested model fails. Unchanged when the smaller model has no candidate either.
   */
  public RoutingDecision degradingTo(String model, RoutingDecision smaller) {
    if (smaller.candidates().isEmpty()) {
      return this;
    }
    List<Candidate> all = new ArrayList<>(candidates);
    smaller.candidates().stream()
        .map(
            c ->
                new Candidate(
                    c.backend(),
                    c.upstreamModel(),
                    c.score(),
                    c.estimatedCostUsd(),
                    c.expectedMillis(),
                    "degraded to " + model + ": " + c.why()))
        .forEach(all::add);
    List<Rejection> none = new ArrayList<>(rejected);
    smaller.rejected().stream()
        .map(r -> new Rejection(r.backend(), "for " + model + ": " + r.reason(), null))
        .forEach(none::add);
    return new RoutingDecision(policy, all, none, variant, model, candidates.size());
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
