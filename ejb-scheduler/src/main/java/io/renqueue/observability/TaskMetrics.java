package io.renqueue.observability;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskState;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Task counters and queue-depth gauges for {@code /metrics}. Counters count what this server did,
 * once the transaction that did it has committed; the depth gauges show the database's view of the
 * whole cluster, refreshed by the sweep.
 */
@ApplicationScoped
public class TaskMetrics {

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  MetricRegistry registry;

  @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
  TransactionSynchronizationRegistry transactions;

  private final Map<LiveKey, AtomicLong> live = new java.util.HashMap<>();
  private volatile boolean gaugesRegistered;

  /** A task was accepted (it is QUEUED). */
  public void accepted(Priority p) {
    count("renqueue.tasks.accepted", p, null);
  }

  /** A task reached a state through this server. */
  public void finished(TaskState s, Priority p) {
    count("renqueue.tasks.finished", p, s);
  }

  /** A worker claimed a task of the tenant that had waited {@code waited} since acceptance. */
  public void started(Priority p, String tenant, java.time.Duration waited) {
    count("renqueue.tasks.started", p, null);
    registry
        .timer("renqueue.queue.wait", new Tag("priority", p.wireName()), new Tag("tenant", tenant))
        .update(waited);
  }

  /**
   * One claim statement took this long, whether it found a task or not: how the claim copes with
   * the size of the backlog (docs/benchmarks.md).
   */
  public void claimed(long nanos, boolean found) {
    registry
        .timer("renqueue.claim.duration", new Tag("found", String.valueOf(found)))
        .update(java.time.Duration.ofNanos(nanos));
  }

  /** A waiting task was re-dispatched at a higher priority because it waited long. */
  public void aged(Priority p) {
    count("renqueue.tasks.aged", p, null);
  }

  /** A running task gave up its slot to more urgent work. */
  public void preempted(Priority p) {
    count("renqueue.tasks.preempted", p, null);
  }

  public void requeued(Priority p) {
    count("renqueue.tasks.requeued", p, null);
  }

  /** A JMS submission was refused and dead-lettered. */
  public void rejectedSubmission(String reason) {
    afterCommit(
        () ->
            registry.counter("renqueue.jms.submissions.rejected", new Tag("reason", reason)).inc());
  }

  /** A failed attempt was followed by another (the task had attempts left). */
  public void retried() {
    afterCommit(() -> registry.counter("renqueue.tasks.retried").inc());
  }

  /** A failed task's token went to the dispatch dead-letter queue. */
  public void deadLettered(String reason) {
    afterCommit(
        () -> registry.counter("renqueue.tasks.dead.lettered", new Tag("reason", reason)).inc());
  }

  /**
   * A synchronous caller found its task ended, woken by the worker's announcement or by its own
   * periodic check (mostly checks: announcements are not reaching this server).
   */
  public void synchronousEndSeen(boolean announced) {
    registry
        .counter("renqueue.sync.ends.seen", new Tag("by", announced ? "announcement" : "check"))
        .inc();
  }

  /** One live-task gauge: QUEUED or RUNNING tasks of a level and tenant. */
  public record LiveKey(TaskState state, Priority priority, String tenant) {}

  /**
   * Replaces the cluster-wide live task counts. Gauges appear for each (state, level, tenant) seen
   * and read 0 once it has nothing live.
   */
  public synchronized void liveTasks(Map<LiveKey, Long> counts) {
    registerLevelGauges();
    live.values().forEach(v -> v.set(0));
    counts.forEach((key, count) -> gauge(key).set(count));
  }

  /** Every level shows up for the default tenant even before any task. */
  private void registerLevelGauges() {
    if (gaugesRegistered) {
      return;
    }
    for (TaskState s : new TaskState[] {TaskState.QUEUED, TaskState.RUNNING}) {
      for (Priority p : Priority.values()) {
        gauge(new LiveKey(s, p, io.renqueue.tasks.Tenants.DEFAULT));
      }
    }
    gaugesRegistered = true;
  }

  private AtomicLong gauge(LiveKey key) {
    return live.computeIfAbsent(
        key,
        k -> {
          AtomicLong value = new AtomicLong();
          String name =
              k.state() == TaskState.QUEUED ? "renqueue.queue.depth" : "renqueue.tasks.running";
          registry.gauge(
              name,
              value,
              AtomicLong::get,
              new Tag("priority", k.priority().wireName()),
              new Tag("tenant", k.tenant()));
          return value;
        });
  }

  /** Runs the update when the current transaction commits, or now when there is none. */
  private void afterCommit(Runnable update) {
    if (transactions == null || transactions.getTransactionKey() == null) {
      update.run();
      return;
    }
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              update.run();
            }
          }
        });
  }

  private void count(String name, Priority p, TaskState s) {
    afterCommit(() -> countNow(name, p, s));
  }

  private void countNow(String name, Priority p, TaskState s) {
    if (s == null) {
      registry.counter(name, new Tag("priority", p.wireName())).inc();
    } else {
      registry
          .counter(
              name,
              new Tag("priority", p.wireName()),
              new Tag("state", s.name().toLowerCase(java.util.Locale.ROOT)))
          .inc();
    }
  }
}
