package io.renqueue.execution;

import jakarta.enterprise.context.ApplicationScoped;

/** What this node last learned about itself from the registry: whether it is asked to drain. */
@ApplicationScoped
public class NodeStatus {

  private volatile boolean draining;
  private volatile boolean stopping;

  public boolean draining() {
    return draining || stopping;
  }

  void draining(boolean draining) {
    this.draining = draining;
  }

  /** The server is shutting down: take nothing new, whatever the registry says. */
  void stopping() {
    stopping = true;
  }
}
