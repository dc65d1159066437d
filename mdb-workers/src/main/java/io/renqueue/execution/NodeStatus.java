package io.renqueue.execution;

import jakarta.enterprise.context.ApplicationScoped;

/** What this node last learned about itself from the registry: whether it is asked to drain. */
@ApplicationScoped
public class NodeStatus {

  private volatile boolean draining;
  private volatile java.util.Set<String> models = java.util.Set.of();
  private volatile boolean stopping;

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

  /** The server is shutting down: take nothing new, whatever the registry says. */
  void stopping() {
    stopping = true;
  }
}
