package io.renqueue.scheduling;

import io.renqueue.tasks.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * When urgent work may take a slot from running work. A task of a preempting level that has waited
 * longer than {@code after} means every slot is busy with something; for each such task the
 * lowest-priority, most recently started running task of another level is taken off its slot and
 * queued again, unless it has been preempted {@code maxPerTask} times already (then it is safe, so
 * work never thrashes).
 *
 * @param after how long urgent work waits before it preempts; zero or negative disables preemption
 */
public record PreemptionPolicy(Duration after, Set<Priority> preempting, int maxPerTask) {

  public PreemptionPolicy {
    preempting = preempting.isEmpty() ? EnumSet.noneOf(Priority.class) : EnumSet.copyOf(preempting);
  }

  public static PreemptionPolicy defaults() {
    return new PreemptionPolicy(Duration.ofSeconds(30), EnumSet.of(Priority.CRITICAL), 2);
  }

  public boolean enabled() {
    return !after.isNegative() && !after.isZero() && !preempting.isEmpty() && maxPerTask > 0;
  }

  /** May a running task of this level, preempted this often already, give up its slot? */
  public boolean mayPreempt(Priority running, int preemptionsSoFar) {
    return enabled() && !preempting.contains(running) && preemptionsSoFar < maxPerTask;
  }

  /**
   * When to look for a slot for an urgent task accepted at {@code accepted}: once it has waited
   * {@code after}, rounded up to {@code granularity} so that a burst of urgent tasks shares one
   * check. Never before the task has waited {@code after}.
   */
  public Instant checkAt(Instant accepted, Duration granularity) {
    long due = accepted.plus(after).toEpochMilli();
    long step = Math.max(1, granularity.toMillis());
    return Instant.ofEpochMilli(Math.floorDiv(due + step - 1, step) * step);
  }

  /** How many more slots to free: starving urgent tasks not yet covered by a pending request. */
  public int slotsToFree(long starvingUrgentTasks, long pendingRequests) {
    return enabled() ? (int) Math.max(0, starvingUrgentTasks - pendingRequests) : 0;
  }
}
