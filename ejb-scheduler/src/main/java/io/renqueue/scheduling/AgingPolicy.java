package io.renqueue.scheduling;

import io.renqueue.tasks.Priority;
import java.time.Duration;
import java.time.Instant;

/**
 * How waiting raises a task's dispatch priority, so that urgent work goes first and nothing
 * starves. Priorities are the dispatch queue's JMS priorities (0–9): each level starts at its own
 * ({@link Priority#jmsPriority()}) and climbs one step for every {@code step} it has waited, up to
 * {@code ceiling}. The levels in between the named ones (1, 3, 5, 6, 8) are where aged work meets
 * fresher, more urgent work.
 *
 * <p>Starvation bound: a task of base priority {@code b} reaches the ceiling after {@code (ceiling
 * − b) × step} of waiting; from then on only tasks already waiting at the ceiling can go before it.
 * With the defaults (step 60 s, ceiling 9) a batch task is dispatched at critical priority after 9
 * minutes. The recovery sweep re-dispatches a task whenever its effective priority rises.
 *
 * @param step waiting time per priority step; zero or negative disables aging
 * @param ceiling the highest priority aging can reach (0–9)
 */
public record AgingPolicy(Duration step, int ceiling) {

  public static final int MAX_JMS_PRIORITY = 9;

  public AgingPolicy {
    if (ceiling < 0 || ceiling > MAX_JMS_PRIORITY) {
      throw new IllegalArgumentException("ceiling must be between 0 and 9, not " + ceiling);
    }
  }

  public static AgingPolicy defaults() {
    return new AgingPolicy(Duration.ofSeconds(60), MAX_JMS_PRIORITY);
  }

  public boolean enabled() {
    return !step.isNegative() && !step.isZero();
  }

  /**
   * The JMS priority a task waiting since {@code queuedSince} should be dispatched at, {@code now}.
   */
  public int effectivePriority(Priority base, Instant queuedSince, Instant now) {
    int start = base.jmsPriority();
    if (!enabled() || start >= ceiling) {
      return start;
    }
    Duration waited = Duration.between(queuedSince, now);
    if (waited.isNegative()) {
      return start;
    }
    long steps = waited.toNanos() / step.toNanos();
    return (int) Math.min(ceiling, start + steps);
  }

  /** Why a task runs at its aged priority, for the task's {@code priority_reason}. */
  public String reason(Priority base, Instant queuedSince, Instant now) {
    long waited = Math.max(0, Duration.between(queuedSince, now).toSeconds());
    return "aged from "
        + base.wireName()
        + " ("
        + base.jmsPriority()
        + ") to "
        + effectivePriority(base, queuedSince, now)
        + " after waiting "
        + waited
        + " s (one step per "
        + step.toSeconds()
        + " s, up to "
        + ceiling
        + ")";
  }

  /** How long a task of this level waits before aging lifts it to {@code priority}. */
  public Duration waitToReach(Priority base, int priority) {
    int start = base.jmsPriority();
    if (priority <= start) {
      return Duration.ZERO;
    }
    if (!enabled() || priority > ceiling) {
      throw new IllegalArgumentException(
          base.wireName() + " never reaches priority " + priority + " under " + this);
    }
    return step.multipliedBy(priority - start);
  }

  /**
   * The documented bound on a task's wait: time to reach the ceiling, plus at most one sweep until
   * the sweep records it, plus the time the work already waiting ahead of it at the ceiling then
   * takes, {@code backlogAtCeiling × serviceTime / slots}. At the ceiling the task is ordered by
   * age, so work arriving later does not go before it (within one tenant; across tenants fair share
   * decides among equals).
   */
  public Duration starvationBound(
      Priority base,
      Duration sweepInterval,
      long backlogAtCeiling,
      Duration serviceTime,
      int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be positive");
    }
    Duration climb = waitToReach(base, Math.max(base.jmsPriority(), ceiling));
    return climb
        .plus(sweepInterval)
        .plus(serviceTime.multipliedBy(backlogAtCeiling).dividedBy(slots));
  }
}
