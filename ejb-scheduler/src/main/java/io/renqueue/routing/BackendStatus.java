package io.renqueue.routing;

import java.time.Instant;

/**
 * What is known about a backend right now.
 *
 * @param ttftMillis median time to first token measured on recent calls, or null without samples
 * @param tokensPerSecond median generation speed measured on recent calls, or null
 * @param inFlight requests running on it now (cluster-wide where known)
 * @param headroom the fraction of its tightest rate budget still unused (1 without limits)
 * @param coolingUntil no request before this (a 429 or exhausted budget), or null
 * @param circuitOpen its circuit breaker is open: recent calls mostly failed
 */
public record BackendStatus(
    String name,
    Double ttftMillis,
    Double tokensPerSecond,
    int inFlight,
    double headroom,
    Instant coolingUntil,
    boolean circuitOpen) {

  public static BackendStatus unknown(String name) {
    return new BackendStatus(name, null, null, 0, 1, null, false);
  }
}
