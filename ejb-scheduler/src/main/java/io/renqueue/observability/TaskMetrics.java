package io.renqueue.observability;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskState;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.EnumMap;
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

  private final Map<TaskState, Map<Priority, AtomicLong>> live = new EnumMap<>(TaskState.class);
  private volatile boolean gaugesRegistered;

  /** A task was accepted (it is QUEUED). */
  public void accepted(Priority p) {
    count("renqueue.tasks.accepted", p, null);
  }

  /** A task reached a state through this server. */
  public void finished(TaskState s, Priority p) {
    count("renqueue.tasks.finished", p, s);
  }

  /** A worker claimed a task that had waited {@code waited} since acceptance. */
  public void started(Priority p, java.time.Duration waited) {
    count("renqueue.tasks.started", p, null);
    registry.timer("renqueue.queue.wait", new Tag("priority", p.wireName())).update(waited);
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

  /** Replaces the cluster-wide live task counts (QUEUED and RUNNING by priority). */
  public synchronized void liveTasks(Map<TaskState, Map<Priority, Long>> counts) {
    registerGauges();
    for (TaskState s : new TaskState[] {TaskState.QUEUED, TaskState.RUNNING}) {
      for (Priority p : Priority.values()) {
        live.get(s).get(p).set(counts.getOrDefault(s, Map.of()).getOrDefault(p, 0L));
      }
    }
  }

  private void registerGauges() {
    if (gaugesRegistered) {
      return;
    }
    for (TaskState s : new TaskState[] {TaskState.QUEUED, TaskState.RUNNING}) {
      Map<Priority, AtomicLong> byPriority = new EnumMap<>(Priority.class);
      live.put(s, byPriority);
      for (Priority p : Priority.values()) {
        AtomicLong value = new AtomicLong();
        byPriority.put(p, value);
        String name = s == TaskState.QUEUED ? "renqueue.queue.depth" : "renqueue.tasks.running";
        registry.gauge(name, value, AtomicLong::get, new Tag("priority", p.wireName()));
      }
    }
    gaugesRegistered = true;
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
