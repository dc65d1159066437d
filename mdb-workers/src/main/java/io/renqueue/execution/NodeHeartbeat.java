package io.renqueue.execution;

import io.renqueue.cluster.GpuStatus;
import io.renqueue.cluster.ModelFootprintSettings;
import io.renqueue.cluster.NodeRegistry;
import io.renqueue.cluster.NodeReport;
import io.renqueue.routing.BackendDefinition;
import io.renqueue.routing.BackendKind;
import io.renqueue.routing.BackendRegistry;
import io.renqueue.tasks.TaskLeases;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This server's side of the node registry. Every {@code renqueue.node.heartbeat-seconds} it reports
 * itself (roles, slots in use, models loaded, GPUs, version, where to probe it), learns whether it
 * is asked to drain, and renews the leases of the tasks it runs; a task whose lease could not be
 * renewed (it ran out and the task moved on) is stopped at once.
 *
 * <p>Shutdown: Liberty first quiesces (its message endpoints stop taking tokens and it waits up to
 * 30 s for running tasks), then stops the application; whatever still runs then is handed back to
 * the queue here, so the node leaves nothing RUNNING. The beat runs on its own thread rather than
 * an EJB timer because Liberty suspends EJB timers while it quiesces, and leases must still be
 * renewed while running tasks finish.
 */
@Singleton
@Startup
@DependsOn("ejb-scheduler.jar#SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class NodeHeartbeat {

  private static final Logger LOG = Logger.getLogger(NodeHeartbeat.class.getName());

  @EJB NodeRegistry registry;
  @Inject TaskLeases leases;
  @Inject RunningTasks running;
  @Inject NodeStatus status;
  @Inject BackendRegistry backends;

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "worker")
  String nodeId;

  @Inject
  @ConfigProperty(name = "worker.enabled", defaultValue = "true")
  boolean worker;

  @Inject
  @ConfigProperty(name = "renqueue.scheduler.enabled", defaultValue = "true")
  boolean scheduler;

  @Inject
  @ConfigProperty(name = "worker.slots", defaultValue = "4")
  int slots;

  @Inject
  @ConfigProperty(name = "renqueue.node.heartbeat-seconds", defaultValue = "5")
  long heartbeatSeconds;

  @Inject
  @ConfigProperty(name = "renqueue.worker.lease-seconds", defaultValue = "30")
  int leaseSeconds;

  /** Where the control plane reaches this server; empty: 127.0.0.1 and its HTTP port. */
  @Inject
  @ConfigProperty(name = "renqueue.node.url")
  Optional<String> advertisedUrl;

  @Inject
  @ConfigProperty(name = "http.port", defaultValue = "9080")
  int httpPort;

  /** Models loaded on this node; empty: those of the configured local backends. */
  @Inject
  @ConfigProperty(name = "renqueue.node.models")
  Optional<String> declaredModels;

  /** The declared GPU profile, used where nvidia-smi is not available: name:memory-mib,… */
  @Inject
  @ConfigProperty(name = "renqueue.node.gpu")
  Optional<String> declaredGpu;

  @Inject ModelFootprintSettings footprints;

  private final Instant startedAt = Instant.now();
  private volatile boolean nvidiaSmi = true;
  private ScheduledExecutorService beats;

  @PostConstruct
  void start() {
    ClassLoader app = Thread.currentThread().getContextClassLoader();
    beats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "renqueue-node-heartbeat");
              t.setDaemon(true);
              t.setContextClassLoader(app);
              return t;
            });
    beats.scheduleWithFixedDelay(
        this::beat, 0, Math.max(1, heartbeatSeconds), java.util.concurrent.TimeUnit.SECONDS);
    LOG.info(
        () ->
            "Node "
                + nodeId
                + " reports every "
                + heartbeatSeconds
                + " s"
                + (worker ? "; task leases " + leaseSeconds + " s, renewed while running" : ""));
  }

  void beat() {
    try {
      NodeReport report = report();
      status.models(report.models());
      status.freeGpuMib(report.gpu().largestFreeMib());
      status.draining(registry.heartbeat(report, startedAt));
    } catch (RuntimeException e) {
      LOG.warning(() -> "Heartbeat of node " + nodeId + " not recorded: " + e);
    }
    if (worker) {
      try {
        renewLeases();
      } catch (RuntimeException e) {
        LOG.warning(() -> "Leases on node " + nodeId + " not renewed: " + e);
      }
    }
  }

  /** Every running attempt's lease in one statement; a lease that is gone stops its call. */
  private void renewLeases() {
    Map<UUID, Integer> fences = running.fences();
    Set<UUID> lost;
    try {
      lost = leases.renew(fences, nodeId, leaseSeconds);
    } catch (RuntimeException e) {
      // The database is away: the leases may run out, and then the fence protects the result.
      LOG.warning(() -> "Leases on node " + nodeId + " not renewed: " + e);
      return;
    }
    for (UUID task : lost) {
      Integer fence = fences.get(task);
      if (fence != null && running.stop(task, fence, RunningTasks.Stop.LEASE_LOST)) {
        LOG.warning(
            () ->
                "Task "
                    + task
                    + " (attempt "
                    + fence
                    + ") lost its lease on node "
                    + nodeId
                    + "; its call is stopped");
      }
    }
  }

  @PreDestroy
  void leave() {
    status.stopping();
    // Liberty's quiesce has already given running tasks up to 30 s; hand back what still runs.
    Map<UUID, Integer> left = running.fences();
    left.forEach((task, fence) -> running.stop(task, fence, RunningTasks.Stop.HANDED_BACK));
    if (!left.isEmpty()) {
      LOG.warning(() -> "Node " + nodeId + " stopping: handed " + left.size() + " task(s) back");
      awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }
    beats.shutdownNow();
    try {
      registry.left(nodeId);
      LOG.info(() -> "Node " + nodeId + " left the cluster; nothing runs on it");
    } catch (RuntimeException e) {
      LOG.info(() -> "Could not mark node " + nodeId + " stopped: " + e);
    }
  }

  private void awaitIdle(long deadlineNanos) {
    while (running.busy() > 0 && System.nanoTime() < deadlineNanos) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private NodeReport report() {
    List<String> roles = new ArrayList<>();
    if (worker) {
      roles.add("worker");
    }
    if (scheduler) {
      roles.add("scheduler");
    }
    List<String> loaded = worker ? models() : List.of();
    String base = advertisedUrl.filter(u -> !u.isBlank()).orElse("http://127.0.0.1:" + httpPort);
    return new NodeReport(
        nodeId,
        roles,
        // Liveness, not readiness: a node that cannot reach the database is not dead.
        base.replaceAll("/+$", "") + "/health/live",
        version(),
        worker ? slots : 0,
        running.busy(),
        loaded,
        gpu(loaded));
  }

  private List<String> models() {
    if (declaredModels.isPresent() && !declaredModels.get().isBlank()) {
      return List.of(declaredModels.get().split("\\s*,\\s*"));
    }
    return backends.all().stream()
        .filter(b -> b.kind() == BackendKind.LOCAL)
        .map(BackendDefinition::models)
        .flatMap(List::stream)
        .map(m -> m.alias())
        .distinct()
        .toList();
  }

  /**
   * nvidia-smi when the node has one (tried once); a node without it uses its declared profile,
   * with what its loaded models take counted as used.
   */
  private GpuStatus gpu(List<String> loaded) {
    if (nvidiaSmi) {
      try {
        Process p = new ProcessBuilder(GpuStatus.NVIDIA_SMI).redirectErrorStream(true).start();
        if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return GpuStatus.fromNvidiaSmi(
              new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        p.destroyForcibly();
      } catch (IOException e) {
        // not installed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      nvidiaSmi = false;
    }
    return GpuStatus.declared(declaredGpu.orElse(""))
        .withDeclaredUse(footprints.footprints().total(loaded));
  }

  private static String version() {
    String v = NodeHeartbeat.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
