package io.renqueue.execution;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * What this node last learned about itself: whether the registry asks it to drain, the models it
 * reported loaded and its free GPU memory.
 */
@ApplicationScoped
public class NodeStatus {

  private volatile boolean draining;
  private volatile java.util.Set<String> models = java.util.Set.of();
  private volatile boolean stopping;
  private volatile long freeGpuMib = -1;

  public boolean draining() {
    return draining || stopping;
  }

  void draining(boolean draining) {
    this.draining = draining;
  }

  /** The models this node reported as loaded in its last heartbeat. */
  public java.util.Set<String> models() {
    return models;
  }

  void models(java.util.Collection<String> loaded) {
    models = java.util.Set.copyOf(loaded);
  }

  /** The most GPU memory free on one of this node's GPUs at its last heartbeat; -1 unknown. */
  public long freeGpuMib() {
    return freeGpuMib;
  }

  void freeGpuMib(long mib) {
    freeGpuMib = mib;
  }

  /** The server is shutting down: take nothing new, whatever the registry says. */
  void stopping() {
    stopping = true;
  }

  /** Whether the server is shutting down (its broker connection may already be gone). */
  public boolean isStopping() {
    return stopping;
  }
}
