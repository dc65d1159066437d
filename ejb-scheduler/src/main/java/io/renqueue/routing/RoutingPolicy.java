package io.renqueue.routing;

import java.util.Locale;

/**
 * What a task optimises for. Each policy is a set of weights in the one scoring function of {@link
 * Router}; {@code local-only} also leaves out every backend that is not local.
 */
public enum RoutingPolicy {
  COST(0.60, 0.15, 0.15, 0.10, 0.00),
  LATENCY(0.10, 0.60, 0.20, 0.10, 0.00),
  QUALITY(0.10, 0.15, 0.10, 0.05, 0.60),
  LOCAL_ONLY(0.10, 0.60, 0.20, 0.10, 0.00);

  final double cost;
  final double latency;
  final double load;
  final double headroom;
  final double quality;

  RoutingPolicy(double cost, double latency, double load, double headroom, double quality) {
    this.cost = cost;
    this.latency = latency;
    this.load = load;
    this.headroom = headroom;
    this.quality = quality;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static RoutingPolicy fromWire(String name) {
    for (RoutingPolicy p : values()) {
      if (p.wireName().equals(name)) {
        return p;
      }
    }
    return null;
  }
}
