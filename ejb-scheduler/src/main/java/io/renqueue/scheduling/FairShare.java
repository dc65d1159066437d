package io.renqueue.scheduling;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which waiting task a free slot takes: the highest dispatch priority first (levels and aging
 * always win); within it, the tenant that has received the fewest weighted tokens; within the
 * tenant, the oldest task. This is the virtual token counter of Sheng et al., "Fairness in Serving
 * Large Language Models" (OSDI 2024): a tenant's counter grows by {@code tokens / weight} for what
 * its tasks use, so backlogged tenants receive tokens in proportion to their weights whatever the
 * number or size of their requests.
 *
 * <p>A tenant with nothing waiting is lifted to the {@link #floor} ({@link #lifted}), and a new
 * tenant starts there: idling never banks credit to be spent starving others later.
 *
 * <p>{@code TaskClaims.claimNext} implements the same order in SQL; this class is the definition,
 * tested without a container.
 */
public final class FairShare {

  private FairShare() {}

  /** A waiting task as the dispatch order sees it. */
  public record Waiting(String tenant, int dispatchPriority, long acceptedAtMicros) {}

  /** How much a tenant's counter grows for {@code tokens} used. */
  public static double charge(long tokens, double weight) {
    return tokens / weight;
  }

  /** The dispatch order, given every tenant's counter (missing tenants count as 0). */
  public static Comparator<Waiting> order(Map<String, Double> counters) {
    return Comparator.comparingInt(Waiting::dispatchPriority)
        .reversed()
        .thenComparingDouble(w -> counters.getOrDefault(w.tenant(), 0.0))
        .thenComparingLong(Waiting::acceptedAtMicros);
  }

  /** The task a free slot takes, or empty when nothing waits. */
  public static Optional<Waiting> next(Collection<Waiting> waiting, Map<String, Double> counters) {
    return waiting.stream().min(order(counters));
  }

  /**
   * Where idle and new tenants stand: the lowest counter among tenants with work waiting, or, when
   * none waits, the highest counter of all (everyone is even once the queue has drained). Empty
   * without any tenant.
   */
  public static Optional<Double> floor(Map<String, Double> counters, Set<String> waiting) {
    Optional<Double> lowestWaiting =
        counters.entrySet().stream()
            .filter(e -> waiting.contains(e.getKey()))
            .map(Map.Entry::getValue)
            .min(Double::compare);
    return lowestWaiting.isPresent()
        ? lowestWaiting
        : counters.values().stream().max(Double::compare);
  }

  /**
   * The counter of an idle tenant after the lift: never lower than before, never below the floor.
   */
  public static double lifted(double counter, Optional<Double> floor) {
    return floor.map(f -> Math.max(counter, f)).orElse(counter);
  }
}
