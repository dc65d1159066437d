package io.renqueue.cluster;

import io.renqueue.tasks.TaskLeases;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The control plane's side of the heartbeats, run by the scheduler sweep (once per period in the
 * cluster): probe every node's health endpoint, judge it ({@link NodeLiveness}), and isolate a node
 * that turned DEAD by ending the leases of its running tasks, so the same sweep queues them again
 * for the other nodes. Its late results are then refused by the fence.
 */
@Stateless
public class NodeWatch {

  private static final Logger LOG = Logger.getLogger(NodeWatch.class.getName());

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  @EJB NodeRegistry registry;
  @Inject TaskLeases leases;

  /**
   * Judges every node. Returns how many task slots the nodes that died just now had: a dead node's
   * consumers may hold dispatch tokens the broker gave them (it only notices the dead connection
   * after its TTL), so the sweep sends that many extra tokens to the live ones. Outside any
   * transaction: a dead node's probe takes up to a second, and each write is short on its own.
   */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public int check(NodeLiveness rules) {
    int lostSlots = 0;
    for (Object[] n : registry.all()) {
      String id = (String) n[0];
      NodeState before = NodeState.valueOf((String) n[2]);
      boolean draining = Boolean.TRUE.equals(n[5]);
      String healthUrl = (String) n[9];
      long sinceMs = ((Number) n[18]).longValue();
      if (before == NodeState.DEAD && "stopped".equals(n[3])) {
        continue; // left cleanly; it registers again when it starts
      }
      Boolean probeOk = healthUrl == null ? null : probe(healthUrl);
      NodeState now = rules.judge(Duration.ofMillis(sinceMs), probeOk, draining);
      String reason =
          switch (now) {
            case UP -> "reporting";
            case DRAINING -> "drain requested";
            case SUSPECT ->
                "no heartbeat for "
                    + sinceMs / 1000
                    + " s"
                    + (Boolean.TRUE.equals(probeOk) ? "; health probe answers" : "");
            case DEAD -> "no heartbeat for " + sinceMs / 1000 + " s; health probe fails";
          };
      registry.judged(id, now, reason, probeOk);
      if (now != before) {
        LOG.warning(() -> "Node " + id + " " + before + " -> " + now + " (" + reason + ")");
      }
      if (now == NodeState.DEAD && before != NodeState.DEAD) {
        lostSlots += ((Number) n[13]).intValue();
        int released = leases.expireLeasesOf(id);
        if (released > 0) {
          LOG.warning(
              () ->
                  "Node " + id + " is dead: " + released + " running task(s) go back to the queue");
        }
      }
    }
    registry.forgetLongDead();
    return lostSlots;
  }

  private static boolean probe(String url) {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create(url))
                      .timeout(Duration.ofSeconds(1))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return false;
    }
  }
}
