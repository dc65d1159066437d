package io.renqueue.routing;

import java.util.Map;

/**
 * A task's {@code routing} field: what to optimise and what is off limits.
 *
 * @param allowPaid whether a {@code cloud-paid} backend may serve the task at all
 * @param maxCostUsd the most the task may cost on one backend (estimated), or null for no cap
 * @param tags tag values a backend must carry (e.g. region=eu)
 */
public record RoutingConstraints(
    RoutingPolicy policy, boolean allowPaid, Double maxCostUsd, Map<String, String> tags) {

  public static final RoutingConstraints DEFAULT =
      new RoutingConstraints(RoutingPolicy.COST, true, null, Map.of());

  public RoutingConstraints {
    tags = Map.copyOf(tags);
  }
}
