package io.renqueue.cluster;

import java.time.Duration;

/**
 * Judges a node from how long ago it last reported and whether it answered the control plane's
 * probe: UP while heartbeats come on time; SUSPECT after {@code suspectAfterMisses} missed
 * heartbeats; DEAD after {@code deadAfterMisses} unless its health endpoint still answers (a node
 * that serves but cannot report stays SUSPECT rather than have its work taken away). A node that
 * reports again is UP again at once: recovered nodes rejoin by themselves.
 *
 * @param heartbeat how often nodes report
 */
public record NodeLiveness(Duration heartbeat, int suspectAfterMisses, int deadAfterMisses) {

  public NodeLiveness {
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("the heartbeat interval must be positive");
    }
    if (suspectAfterMisses < 1 || deadAfterMisses <= suspectAfterMisses) {
      throw new IllegalArgumentException(
          "need 1 ≤ suspect-after-misses < dead-after-misses, not "
              + suspectAfterMisses
              + " and "
              + deadAfterMisses);
    }
  }

  /**
   * @param sinceHeartbeat time since the node's last heartbeat, on the database clock
   * @param probeOk whether its health endpoint answered on the last probe (null: not probed)
   */
  public NodeState judge(Duration sinceHeartbeat, Boolean probeOk, boolean draining) {
    long misses = sinceHeartbeat.toMillis() / heartbeat.toMillis();
    if (misses < suspectAfterMisses) {
      return draining ? NodeState.DRAINING : NodeState.UP;
    }
    if (misses >= deadAfterMisses && !Boolean.TRUE.equals(probeOk)) {
      return NodeState.DEAD;
    }
    return NodeState.SUSPECT;
  }

  /** The longest a dead node's running tasks wait before the sweep hands them on. */
  public Duration deadWithin(Duration sweepInterval) {
    return heartbeat.multipliedBy(deadAfterMisses + 1).plus(sweepInterval);
  }

  public String describe() {
    return "heartbeat every "
        + heartbeat.toSeconds()
        + " s; SUSPECT after "
        + suspectAfterMisses
        + " missed, DEAD after "
        + deadAfterMisses
        + " missed and a failed probe";
  }
}
