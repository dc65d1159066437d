package io.renqueue.scheduling;

import io.renqueue.dispatch.ControlMessages;
import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskStore;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Carries out the {@link PreemptionPolicy}: urgent work that has waited past the threshold means
 * every slot is busy, so the workers of the cheapest running tasks are asked to give their slots
 * up, one per starving task. Runs from the sweep and from {@link PreemptionAlarm}; a cluster-wide
 * advisory lock makes concurrent checks take turns, so one starving task never costs two slots.
 */
@Stateless
public class PreemptionRequests {

  private static final Logger LOG = Logger.getLogger(PreemptionRequests.class.getName());

  /** How long a preemption request is awaited before another task is asked instead. */
  private static final int PATIENCE_SECONDS = 30;

  private static final int BATCH = 500;
  private static final long LOCK_KEY = 0x52515050L; // "RQPP"

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @EJB private TaskStore store;
  @Inject private SchedulingSettings settings;
  @Inject private ControlMessages control;

  public void requestSlotsForStarvingWork() {
    PreemptionPolicy policy = settings.preemption();
    if (!policy.enabled()) {
      return;
    }
    List<String> levels = policy.preempting().stream().map(Priority::name).toList();
    if (store.countWaitingSince(levels, Instant.now().minus(policy.after())) == 0) {
      return;
    }
    em.createNativeQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(?1)) l")
        .setParameter(1, LOCK_KEY)
        .getSingleResult();
    // Counted again under the lock: a check that just finished may have covered them.
    long starving = store.countWaitingSince(levels, Instant.now().minus(policy.after()));
    int needed = policy.slotsToFree(starving, store.countPendingPreemptions(PATIENCE_SECONDS));
    int requested = 0;
    for (Object[] running : store.preemptionCandidates(PATIENCE_SECONDS, BATCH)) {
      if (requested == needed) {
        break;
      }
      Priority level = Priority.valueOf((String) running[1]);
      if (policy.mayPreempt(level, ((Number) running[2]).intValue())) {
        UUID id = (UUID) running[0];
        store.markPreemptionRequested(id);
        control.preempt(id, ((Number) running[3]).intValue());
        requested++;
        LOG.info(
            () ->
                "Asked the worker of task "
                    + id
                    + " ("
                    + level.wireName()
                    + ") to give its slot to waiting urgent work");
      }
    }
  }
}
