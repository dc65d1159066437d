package io.renqueue.recovery;

import io.renqueue.cluster.NodeLiveness;
import io.renqueue.cluster.NodeRegistry;
import io.renqueue.cluster.NodeWatch;
import io.renqueue.dispatch.OutboxRelay;
import io.renqueue.observability.TaskMetrics;
import io.renqueue.ratelimit.BackendAdmission;
import io.renqueue.scheduling.AgingPolicy;
import io.renqueue.scheduling.PreemptionRequests;
import io.renqueue.scheduling.SchedulingSettings;
import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskLeases;
import io.renqueue.tasks.TaskState;
import io.renqueue.tasks.TaskStore;
import io.renqueue.tasks.TaskSweepRules;
import io.renqueue.tasks.TokenOwed;
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
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
  @Inject private TaskLeases leases;
  @Inject private TokenRenewals tokens;
  @Inject private TaskSweepRules rules;
  @Inject private OutboxRelay relay;
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
  private volatile long nextLiveCount = Long.MIN_VALUE;
  private volatile boolean databaseLost;

  @Inject
  @ConfigProperty(name = "renqueue.worker.lease-seconds", defaultValue = "30")
  int leaseSeconds;

  /** Terminal tasks older than this leave the table; 0 keeps them forever. */
  @Inject
  @ConfigProperty(name = "renqueue.retention.hours", defaultValue = "168")
  double retentionHours;

  @Inject
  @ConfigProperty(name = "renqueue.retention.batch", defaultValue = "5000")
  int retentionBatch;

  /** How long one sweep may spend deleting, so a large backlog of old tasks goes over several. */
  @Inject
  @ConfigProperty(name = "renqueue.retention.seconds-per-sweep", defaultValue = "2")
  double retentionSecondsPerSweep;

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

  /** No transaction around the sweep: each rule has its own (see {@link #sweep}). */
  @Timeout
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
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
    refreshLiveGauges();
  }

  /**
   * Counting a large backlog is an index walk over every waiting task; the gauges then refresh less
   * often, so that counting takes at most a twentieth of this server's time.
   */
  private void refreshLiveGauges() {
    long start = System.nanoTime();
    if (start < nextLiveCount) {
      return;
    }
    metrics.liveTasks(liveCounts());
    long took = System.nanoTime() - start;
    nextLiveCount = System.nanoTime() + 19 * took;
  }

  /**
   * Every rule in a transaction of its own (a rule that fails is logged and tried again next time;
   * the others still run), the node probes outside any.
   */
  private void sweep() {
    int lostSlots = rule("node check", () -> nodes.check(liveness), 0);
    int max = attempts.policy().maxAttempts();
    rule("expiry", () -> drain(() -> rules.expireOverdue(BATCH)), 0);
    rule("exhausted leases", () -> drain(() -> rules.failExhaustedLeases(max, BATCH)), 0);
    rule(
        "expired leases",
        () -> {
          int n = 0;
          for (List<TokenOwed> requeued = rules.requeueExpiredLeases(max, BATCH);
              !requeued.isEmpty() && n < MAX_PER_RULE;
              requeued = rules.requeueExpiredLeases(max, BATCH)) {
            n += requeued.size();
            for (TokenOwed t : requeued) {
              metrics.requeued(t.priority());
              LOG.warning(
                  () -> "Task " + t.id() + " lost its worker (lease expired); queued again");
            }
          }
          return n;
        },
        0);
    if (lostSlots > 0) {
      // Tokens a dead node's idle slots had taken are stuck until the broker drops its
      // connection: wake as many live slots for the most urgent waiting work (extra tokens
      // are harmless, the claim decides).
      rule("lost slots", () -> send(tokens.queueHead(lostSlots), false), 0);
    }
    rule("undispatched", this::sendUndispatched, 0);
    rule("notices", () -> rules.resendNotices(GRACE_SECONDS, BATCH), 0);
    rule("idle slots", this::wakeIdleSlots, 0);
    rule("aging", this::promoteAgedTasks, 0);
    rule(
        "preemption",
        () -> {
          preemption.requestSlotsForStarvingWork();
          return 0;
        },
        0);
    rule(
        "stale tokens",
        () -> {
          List<TokenOwed> stale = tokens.renewStaleDispatches(redispatchAfterSeconds, BATCH);
          stale.forEach(
              t ->
                  LOG.warning(
                      () ->
                          "Task "
                              + t.id()
                              + " waited "
                              + redispatchAfterSeconds
                              + " s since its last dispatch; sent a new token"));
          return send(stale, false);
        },
        0);
    rule("blocked repair", () -> rules.repairBlocked(100), 0);
    rule("fair share", () -> fairShare.liftIdleTenants(), 0);
    rule("admission purge", () -> admission.purge(), 0);
    rule("retention", this::purgeEnded, 0);
  }

  /** Rounds of one rule per sweep: bounded, so one backlog cannot hold the others back. */
  private static final int MAX_PER_RULE = 20 * BATCH;

  /** A task's first token gets this long to be confirmed before the sweep sends another. */
  static final int GRACE_SECONDS = 1;

  private int rule(String name, java.util.function.IntSupplier rule, int otherwise) {
    try {
      return rule.getAsInt();
    } catch (RuntimeException e) {
      LOG.warning(() -> "Sweep rule '" + name + "' failed, tried again next sweep: " + e);
      return otherwise;
    }
  }

  /** Runs a batch rule until it finds less than a batch, at most {@link #MAX_PER_RULE} rows. */
  private static int drain(java.util.function.IntSupplier batch) {
    int total = 0;
    int n;
    do {
      n = batch.getAsInt();
      total += n;
    } while (n >= BATCH && total < MAX_PER_RULE);
    return total;
  }

  private int send(List<TokenOwed> owed, boolean confirm) {
    relay.submit(owed.stream().map(t -> confirm ? t.token() : t.extraToken(0)).toList());
    return owed.size();
  }

  /**
   * Tasks whose current wait has no confirmed token: their server died between its commit and the
   * send, or the broker was away. While the broker is away, one batch a sweep finds out whether it
   * is back.
   */
  private int sendUndispatched() {
    int total = 0;
    while (total < MAX_PER_RULE) {
      List<TokenOwed> owed = tokens.undispatched(GRACE_SECONDS, BATCH);
      List<TokenOwed> fresh = owed.stream().filter(t -> !relay.tokenWaiting(t.id())).toList();
      send(fresh, true);
      total += fresh.size();
      if (owed.size() < BATCH || fresh.isEmpty() || !relay.brokerUp()) {
        break;
      }
      // Let the relay take this batch before the next query sees the same tasks again.
      awaitRelay();
    }
    if (total > 0) {
      int sent = total;
      LOG.info(() -> "Sent " + sent + " dispatch token(s) that tasks were still owed");
    }
    return total;
  }

  private void awaitRelay() {
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (relay.backlog() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Work that could run waits while workers report idle slots: the tokens that should have woken
   * them were lost (a purge, a broker that lost its journal). As many new tokens as there are idle
   * slots, for the most urgent of those tasks; a token too many is harmless, the claim decides.
   * Bound: three sweep or heartbeat intervals, instead of {@code
   * renqueue.redispatch-after-seconds}.
   */
  private int wakeIdleSlots() {
    long beat = Math.max(1, heartbeatSeconds);
    int idle = registry.idleWorkerSlots(3 * beat);
    if (idle == 0) {
      return 0;
    }
    int stalledSeconds = (int) (3 * Math.max(beat, Math.max(1, intervalSeconds)));
    List<TokenOwed> stalled = tokens.renewStalledHead(stalledSeconds, idle);
    for (TokenOwed t : stalled) {
      LOG.info(
          () ->
              "Task "
                  + t.id()
                  + " could run but waited "
                  + stalledSeconds
                  + " s while workers reported "
                  + idle
                  + " idle slot(s); sent a new token");
    }
    return send(stalled, false);
  }

  /** Re-dispatches, at the higher priority, every waiting task that aging has lifted. */
  private int promoteAgedTasks() {
    AgingPolicy aging = settings.aging();
    if (!aging.enabled()) {
      return 0;
    }
    List<Priority> aged = rules.promoteAged(aging, BATCH);
    aged.forEach(metrics::aged);
    return aged.size();
  }

  /** Terminal tasks older than the retention period leave the table, in bounded batches. */
  private int purgeEnded() {
    if (retentionHours <= 0) {
      return 0;
    }
    long deadline = System.nanoTime() + (long) (retentionSecondsPerSweep * 1e9);
    int total = 0;
    int n;
    do {
      n = rules.purgeEnded(retentionHours, retentionBatch);
      total += n;
    } while (n == retentionBatch && System.nanoTime() < deadline);
    if (total > 0) {
      int purged = total;
      LOG.info(
          () -> "Deleted " + purged + " task(s) that ended more than " + retentionHours + " h ago");
    }
    return total;
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
