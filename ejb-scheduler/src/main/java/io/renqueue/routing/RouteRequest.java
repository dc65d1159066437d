package io.renqueue.routing;

import java.util.Set;

/**
 * What the router needs to know about a task.
 *
 * @param promptTokens estimated prompt tokens
 * @param maxTokens the answer budget (the request's max_tokens, or the default)
 */
public record RouteRequest(
    String model,
    int promptTokens,
    int maxTokens,
    Set<Feature> features,
    RoutingConstraints constraints) {

  public RouteRequest {
    features = Set.copyOf(features);
  }
}
