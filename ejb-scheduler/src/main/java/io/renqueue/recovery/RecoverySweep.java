package io.renqueue.recovery;

import io.renqueue.cluster.NodeLiveness;
import io.renqueue.cluster.NodeRegistry;
import io.renqueue.cluster.NodeWatch;
import io.renqueue.dispatch.TaskDispatcher;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.ratelimit.BackendAdmission;
import io.renqueue.scheduling.AgingPolicy;
import io.renqueue.scheduling.PreemptionRequests;
import io.renqueue.scheduling.SchedulingSettings;
import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskLeases;
import io.renqueue.tasks.TaskOutcomes;
import io.renqueue.tasks.TaskState;
import io.renqueue.tasks.TaskStore;
import io.renqueue.tasks.Timestamps;
import io.renqueue.tasks.TokenRenewals;
import io.renqueue.tenancy.FairShareCounters;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The scheduler's periodic sweep: waiting tasks past their deadline end EXPIRED, tasks whose worker
 * lost its lease go back to the queue with a fresh dispatch token, waiting tasks age, urgent work
 * preempts, idle tenants are lifted to their fair share. The timer only triggers; the rules live in
 * the scheduling policies and the guarded SQL of {@link TaskStore}. Every scheduler server ticks,
 * but only the holder of the {@link SweepLease} sweeps; each server refreshes its own queue-depth
 * gauges.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class RecoverySweep {

  private static final Logger LOG = Logger.getLogger(RecoverySweep.class.getName());
  private static final int BATCH = 500;

  @Resource private TimerService timers;
  @EJB private TaskStore store;
  @EJB private TaskLeases leases;
  @EJB private TokenRenewals tokens;
  @EJB private TaskDispatcher dispatcher;
  @Inject private TaskMetrics metrics;

  @Inject
  @ConfigProperty(name = "renqueue.scheduler.enabled", defaultValue = "true")
  boolean enabled;

  @Inject
  @ConfigProperty(name = "renqueue.sweep.interval-seconds", defaultValue = "5")
  long intervalSeconds;

  /** A task whose worker vanished on its last attempt ends FAILED. */
  @Inject private AttemptSettings attempts;

  /** A QUEUED task whose token is older than this gets a new one (the old one may be lost). */
  @Inject
  @ConfigProperty(name = "renqueue.redispatch-after-seconds", defaultValue = "600")
  int redispatchAfterSeconds;

  @EJB private TaskOutcomes outcomes;
  @Inject private SchedulingSettings settings;

  @EJB private SweepLease lease;
  @EJB private FairShareCounters fairShare;
  @EJB private PreemptionRequests preemption;
  @EJB private BackendAdmission admission;
  @EJB private NodeWatch nodes;
  @EJB private NodeRegistry registry;

  @Inject
  @ConfigProperty(name = "renqueue.node.heartbeat-seconds", defaultValue = "5")
  long heartbeatSeconds;

  @Inject
  @ConfigProperty(name = "renqueue.node.suspect-after-misses", defaultValue = "2")
  int suspectAfterMisses;

  @Inject
  @ConfigProperty(name = "renqueue.node.dead-after-misses", defaultValue = "4")
  int deadAfterMisses;

  private NodeLiveness liveness;

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "scheduler")
  String nodeId;

  /**
   * This server's name in the sweep lease; unique per JVM so a restarted server is a new holder.
   */
  private String holder;

  private volatile boolean leading;
  private volatile boolean databaseLost;

  @Inject
  @ConfigProperty(name = "renqueue.worker.lease-seconds", defaultValue = "30")
  int leaseSeconds;

  @PostConstruct
  void schedule() {
    holder = nodeId + "/" + UUID.randomUUID().toString().substring(0, 8);
    liveness =
        new NodeLiveness(
            Duration.ofSeconds(Math.max(1, heartbeatSeconds)), suspectAfterMisses, deadAfterMisses);
    if (!enabled) {
      LOG.info("Recovery sweep disabled on this server (renqueue.scheduler.enabled=false)");
      return;
    }
    long period = Math.max(1, intervalSeconds) * 1000;
    timers.createIntervalTimer(period, period, new TimerConfig("renqueue-recovery-sweep", false));
    LOG.info(() -> "Recovery sweep every " + intervalSeconds + " s; nodes: " + liveness.describe());
  }

  @PreDestroy
  void handOver() {
    if (!leading) {
      return;
    }
    try {
      lease.release(holder);
      LOG.info(() -> "Released the scheduler sweep lease (" + holder + ")");
    } catch (RuntimeException e) {
      // The database may already be gone; the lease then simply expires.
      LOG.info(() -> "Could not release the sweep lease; it expires by itself: " + e);
    }
  }

  @Timeout
  void tick() {
    boolean lead;
    try {
      lead = lease.acquire(holder, Math.max(1, intervalSeconds));
    } catch (RuntimeException e) {
      if (!databaseLost) {
        LOG.warning(() -> "Scheduler sweep paused: the database is unavailable (" + e + ")");
      }
      databaseLost = true;
      return;
    }
    if (databaseLost) {
      databaseLost = false;
      if (lead) {
        // Workers could neither renew leases nor store outcomes while the database was away;
        // leases that ran out meanwhile say nothing about them. One fresh lease each: live
        // workers renew and store what they finished, dead ones lose the task after it.
        int renewed = leases.extendRunningLeases(leaseSeconds);
        LOG.warning(
            () ->
                "Database back: "
                    + renewed
                    + " running task(s) get a fresh lease of "
                    + leaseSeconds
                    + " s");
      }
    }
    if (lead != leading) {
      leading = lead;
      if (lead) {
        LOG.info(() -> "This server (" + holder + ") now runs the scheduler sweep");
      }
    }
    if (lead) {
      sweep();
    }
    metrics.liveTasks(liveCounts());
  }

  private void sweep() {
    int lostSlots = 0;
    try {
      lostSlots = nodes.check(liveness);
    } catch (RuntimeException e) {
      // The task rules below must not stop because a node could not be judged.
      LOG.warning(() -> "Node check failed: " + e);
    }
    for (UUID id : store.expireOverdue(BATCH)) {
      outcomes.announce(id);
    }
    for (UUID id : leases.failExhaustedLeases(attempts.policy().maxAttempts(), BATCH)) {
      outcomes.announce(id);
    }
    for (Object[] row : leases.requeueExpiredLeases(attempts.policy().maxAttempts(), BATCH)) {
      UUID id = (UUID) row[0];
      Priority priority = redispatch(row);
      metrics.requeued(priority);
      LOG.warning(() -> "Task " + id + " lost its worker (lease expired); queued again");
    }
    if (lostSlots > 0) {
      // Tokens a dead node's idle slots had taken are stuck until the broker drops its
      // connection: wake as many live slots for the most urgent waiting work (extra tokens
      // are harmless, the claim decides).
      tokens.queueHead(lostSlots).forEach(this::redispatch);
    }
    for (Object[] row : tokens.renewUndispatched(BATCH)) {
      // Handed back by a worker that could no longer reach the broker.
      redispatch(row);
    }
    wakeIdleSlots();
    promoteAgedTasks();
    preemption.requestSlotsForStarvingWork();
    for (Object[] row : tokens.renewStaleDispatches(redispatchAfterSeconds, BATCH)) {
      redispatch(row);
      LOG.warning(
          () ->
              "Task "
                  + row[0]
                  + " waited "
                  + redispatchAfterSeconds
                  + " s since its last dispatch; sent a new token");
    }
    fairShare.liftIdleTenants();
    admission.purge();
  }

  /**
   * Work that could run waits while workers report idle slots: the tokens that should have woken
   * them were lost (the broker killed between the two phases of a commit, a purge). As many new
   * tokens as there are idle slots, for the most urgent of those tasks; a token too many is
   * harmless, the claim decides. Bound: three sweep or heartbeat intervals, instead of {@code
   * renqueue.redispatch-after-seconds}.
   */
  private void wakeIdleSlots() {
    long beat = Math.max(1, heartbeatSeconds);
    int idle = registry.idleWorkerSlots(3 * beat);
    if (idle == 0) {
      return;
    }
    int stalledSeconds = (int) (3 * Math.max(beat, Math.max(1, intervalSeconds)));
    for (Object[] row : tokens.renewStalledHead(stalledSeconds, idle)) {
      redispatch(row);
      LOG.info(
          () ->
              "Task "
                  + row[0]
                  + " could run but waited "
                  + stalledSeconds
                  + " s while workers reported "
                  + idle
                  + " idle slot(s); sent a new token");
    }
  }

  /** Re-dispatches, at the higher priority, every waiting task that aging has lifted. */
  private void promoteAgedTasks() {
    AgingPolicy aging = settings.aging();
    if (!aging.enabled()) {
      return;
    }
    Instant now = Instant.now();
    for (Object[] row : store.agingCandidates(now.minus(aging.step()), aging.ceiling(), BATCH)) {
      UUID id = (UUID) row[0];
      Priority level = Priority.valueOf((String) row[1]);
      int dispatched = ((Number) row[2]).intValue();
      Instant accepted = Timestamps.toInstant(row[3]);
      int effective = aging.effectivePriority(level, accepted, now);
      if (effective > dispatched
          && store.raiseDispatchPriority(id, effective, aging.reason(level, accepted, now))) {
        dispatcher.dispatch(id, level, effective);
        metrics.aged(level);
        LOG.fine(
            () ->
                "Task "
                    + id
                    + " ("
                    + level.wireName()
                    + ") aged from priority "
                    + dispatched
                    + " to "
                    + effective);
      }
    }
  }

  /** Sends a new token for (id, priority, dispatch_priority) at its current dispatch priority. */
  private Priority redispatch(Object[] row) {
    Priority priority = Priority.valueOf((String) row[1]);
    dispatcher.dispatch((UUID) row[0], priority, ((Number) row[2]).intValue());
    return priority;
  }

  private Map<TaskMetrics.LiveKey, Long> liveCounts() {
    Map<TaskMetrics.LiveKey, Long> counts = new HashMap<>();
    for (Object[] row : store.countLive()) {
      counts.put(
          new TaskMetrics.LiveKey(
              TaskState.valueOf((String) row[0]),
              Priority.valueOf((String) row[1]),
              (String) row[2]),
          ((Number) row[3]).longValue());
    }
    return counts;
  }
}
