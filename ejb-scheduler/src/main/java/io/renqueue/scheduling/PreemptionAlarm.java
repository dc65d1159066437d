package io.renqueue.scheduling;

import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Looks for a slot the moment an urgent task has waited the preemption threshold, instead of at the
 * next sweep, so it starts within the threshold plus the time a worker takes to give a slot up (not
 * plus a sweep interval). One non-persistent timer per {@link #GRANULARITY} of arrivals; the sweep
 * remains the safety net if this server goes down before its alarm rings.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class PreemptionAlarm {

  static final Duration GRANULARITY = Duration.ofMillis(250);

  @Resource private TimerService timers;
  @EJB private PreemptionRequests requests;
  @Inject private SchedulingSettings settings;

  private final Set<Long> armed = ConcurrentHashMap.newKeySet();

  /** Called when a task of a preempting level is queued (and not blocked) at {@code accepted}. */
  public void urgentTaskQueued(Instant accepted) {
    PreemptionPolicy policy = settings.preemption();
    if (!policy.enabled()) {
      return;
    }
    Instant at = policy.checkAt(accepted, GRANULARITY);
    // Entries of alarms whose creating transaction rolled back never ring; forget them.
    armed.removeIf(due -> due < accepted.toEpochMilli() - 60_000);
    if (armed.add(at.toEpochMilli())) {
      timers.createSingleActionTimer(Date.from(at), new TimerConfig(at.toEpochMilli(), false));
    }
  }

  @Timeout
  void ring(jakarta.ejb.Timer timer) {
    armed.remove((Long) timer.getInfo());
    requests.requestSlotsForStarvingWork();
  }
}
