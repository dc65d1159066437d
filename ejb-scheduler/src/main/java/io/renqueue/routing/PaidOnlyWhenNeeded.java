package io.renqueue.routing;

import java.util.List;

/**
 * Whether a task should wait a moment for a busy free backend instead of paying. Under the cost
 * policy, a free (local or free-quota) candidate that is only full right now — every concurrent
 * request in use, no cooldown, no exhausted budget — frees a slot within one answer's time, so a
 * task with a paid candidate behind it waits up to {@code renqueue.routing.wait-for-free-ms} for it
 * rather than paying at once — but only as many tasks per server as the backend has slots: they are
 * next in line; more would only hold worker slots and queue everyone else behind them (the gateway
 * benchmark measured that: 70 % instead of 99 % within target). Other policies, and refusals that
 * last longer (rate budgets, cooldowns: {@code retryAt} known), move on at once.
 */
public final class PaidOnlyWhenNeeded {

  private PaidOnlyWhenNeeded() {}

  /**
   * @param refusedUntil when the refused backend is known to be available again, or null when it is
   *     only full (its concurrency)
   * @param later the backends of the candidates after this one
   * @param alreadyWaiting tasks on this server already waiting for that backend
   */
  public static boolean waitFor(
      RoutingPolicy policy,
      BackendDefinition refused,
      java.time.Instant refusedUntil,
      List<BackendDefinition> later,
      int alreadyWaiting) {
    return policy == RoutingPolicy.COST
        && refusedUntil == null
        && refused.price().isFree()
        && refused.limits().maxConcurrency() > 0
        && alreadyWaiting < refused.limits().maxConcurrency()
        && later.stream().anyMatch(b -> !b.price().isFree());
  }
}
