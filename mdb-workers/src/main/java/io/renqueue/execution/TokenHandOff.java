package io.renqueue.execution;

import io.renqueue.cluster.ModelFootprintSettings;
import io.renqueue.cluster.NodeRegistry;
import io.renqueue.cluster.Placement;
import io.renqueue.dispatch.TaskDispatcher;
import io.renqueue.tasks.TokenOwed;
import io.renqueue.tasks.TokenRenewals;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a worker does with a dispatch token it will not use: which models it leaves to others right
 * now ({@link Placement}), and passing the token back to the broker for another node.
 */
@ApplicationScoped
public class TokenHandOff {

  private static final Logger LOG = Logger.getLogger(TokenHandOff.class.getName());

  @Inject TokenRenewals tokens;
  @Inject TaskDispatcher dispatcher;
  @EJB NodeRegistry nodes;
  @Inject NodeStatus node;
  @Inject ModelFootprintSettings footprints;

  @Inject
  @ConfigProperty(name = "renqueue.node.heartbeat-seconds", defaultValue = "5")
  long heartbeatSeconds;

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "worker")
  String nodeId;

  private volatile List<String> leftToOthers = List.of();
  private volatile long leftToOthersReadAt = System.nanoTime() - 1_000_000_000L;

  /**
   * Models this worker leaves to others right now; none if unknown. Read at most every 250 ms, not
   * on every claim: the registry only changes with heartbeats anyway.
   */
  public List<String> leaveToOthers() {
    long now = System.nanoTime();
    if (now - leftToOthersReadAt < 250_000_000L) {
      return leftToOthers;
    }
    try {
      leftToOthers =
          Placement.leaveToOthers(
              nodes.freeWorkersElsewhere(nodeId, 3 * Math.max(1, heartbeatSeconds)),
              node.models(),
              node.freeGpuMib(),
              footprints.footprints());
    } catch (RuntimeException e) {
      // Placement is a preference: without the registry, take any work.
      LOG.fine(() -> "Placement not known: " + e);
      leftToOthers = List.of();
    }
    leftToOthersReadAt = now;
    return leftToOthers;
  }

  /**
   * This node takes nothing now (draining, or what waits is left to others): the token goes back to
   * the broker for another node, {@code delayMillis} later so nodes do not spin on it. It is sent
   * for the most urgent task waiting, not necessarily its own: any token wakes any slot, and a
   * token dropped while work waits could leave a task without one.
   */
  public void passOn(UUID token, long delayMillis) {
    // A token is sent after its task committed, so nothing waiting means nothing to pass on.
    for (TokenOwed next : tokens.queueHead(1)) {
      dispatcher.dispatchExtra(next.id(), next.priority(), next.dispatchPriority(), delayMillis);
    }
  }
}
