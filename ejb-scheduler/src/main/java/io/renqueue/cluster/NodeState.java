package io.renqueue.cluster;

/** What the control plane believes about a node. */
public enum NodeState {
  /** Reporting on time: may take work. */
  UP,
  /** Reporting on time but asked to drain: finishes what it runs, takes nothing new. */
  DRAINING,
  /** Missed heartbeats; still answers its health probe, or has not missed enough to be dead. */
  SUSPECT,
  /** Missed enough heartbeats and fails its probe: isolated, its running tasks run elsewhere. */
  DEAD
}
