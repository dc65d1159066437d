package io.renqueue.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * When a waiting task stops being worth starting: the earliest of its own deadline, its own TTL and
 * its level's default TTL, all counted from acceptance. A task not started by then ends EXPIRED and
 * never reaches a backend.
 */
public final class ExpiryPolicy {

  private final Map<Priority, Duration> defaultTtl;

  /**
   * @param defaultTtl per-level TTL for tasks that bring none; levels missing here never expire
   */
  public ExpiryPolicy(Map<Priority, Duration> defaultTtl) {
    this.defaultTtl = defaultTtl.isEmpty() ? Map.of() : new EnumMap<>(defaultTtl);
  }

  public static ExpiryPolicy none() {
    return new ExpiryPolicy(Map.of());
  }

  /** The instant after which the task must not start, or null when it may wait forever. */
  public Instant expiresAt(Priority priority, Instant deadline, Duration ttl, Instant acceptedAt) {
    Instant expiry = deadline;
    Duration effectiveTtl = ttl != null ? ttl : defaultTtl.get(priority);
    if (effectiveTtl != null) {
      Instant byTtl = acceptedAt.plus(effectiveTtl);
      expiry = expiry == null || byTtl.isBefore(expiry) ? byTtl : expiry;
    }
    return expiry;
  }
}
