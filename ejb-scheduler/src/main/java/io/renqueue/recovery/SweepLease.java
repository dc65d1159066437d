package io.renqueue.recovery;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * Who runs the scheduler sweep. Every server with the scheduler role ticks, but only the holder of
 * a lease row in the database sweeps; the lease lasts {@link #LEASE_PERIODS} intervals and is
 * renewed by each sweep, so when its holder dies another server takes over at most {@code
 * (LEASE_PERIODS + 1) × interval} after the last sweep. A sweep less than half an interval after
 * the previous one is skipped, so two servers never sweep in the same period.
 */
@Stateless
public class SweepLease {

  public static final int LEASE_PERIODS = 3;

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  /**
   * Takes or renews the lease for this sweep, in a transaction of its own. False when another
   * server holds it or swept less than half an interval ago.
   */
  public boolean acquire(String holder, long intervalSeconds) {
    return em.createNativeQuery(
                "UPDATE sweep_lease SET holder = ?1, last_run_at = now(),"
                    + " expires_at = now() + make_interval(secs => ?2)"
                    + " WHERE name = 'scheduler' AND (holder IS NULL OR holder = ?1 OR expires_at < now())"
                    + " AND (last_run_at IS NULL OR last_run_at < now() - make_interval(secs => ?3))")
            .setParameter(1, holder)
            .setParameter(2, (double) intervalSeconds * LEASE_PERIODS)
            .setParameter(3, intervalSeconds / 2.0)
            .executeUpdate()
        == 1;
  }

  /** Gives the lease up at shutdown so another server takes over at its next tick. */
  public void release(String holder) {
    em.createNativeQuery(
            "UPDATE sweep_lease SET holder = NULL, expires_at = NULL"
                + " WHERE name = 'scheduler' AND holder = ?1")
        .setParameter(1, holder)
        .executeUpdate();
  }
}
