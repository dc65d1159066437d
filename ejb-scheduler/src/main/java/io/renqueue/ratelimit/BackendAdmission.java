package io.renqueue.ratelimit;

import io.renqueue.routing.BackendDefinition;
import io.renqueue.routing.RateLimits;
import io.renqueue.tasks.Timestamps;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Map;

/**
 * Cluster-wide rate-limit admission, in PostgreSQL: before any server sends a backend a request it
 * takes that backend's budget row lock and checks the cooldown, the requests and tokens of the last
 * minute (a sliding window, so no minute boundary lets twice the limit through), the day's requests
 * and the requests in flight. Time is the database's clock. Each decision is its own short
 * transaction; nothing is held while the request runs. A backend without limits needs only its
 * cooldown checked, which {@link Cooldowns} does with one plain statement.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class BackendAdmission {

  /**
   * The sliding window is a second longer than a minute: a request admitted here reaches the
   * backend a few milliseconds later, and the backend counts by its own arrival times.
   */
  static final double WINDOW_SECONDS = 61;

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @Inject Cooldowns cooldowns;

  public Admission admit(BackendDefinition b, int estimatedTokens) {
    String name = b.name();
    if (!b.limits().isLimited()) {
      // No budget to count: only a cooldown the backend asked for can stop the request.
      return cooldowns.admitUnlimited(name);
    }
    em.createNativeQuery("INSERT INTO backend_budget (backend) VALUES (?1) ON CONFLICT DO NOTHING")
        .setParameter(1, name)
        .executeUpdate();
    Object[] budget =
        (Object[])
            em.createNativeQuery(
                    "SELECT cooldown_until, cooldown_reason, clock_timestamp(),"
                        + " CASE WHEN day = (clock_timestamp() AT TIME ZONE 'UTC')::date"
                        + " THEN day_requests ELSE 0 END"
                        + " FROM backend_budget WHERE backend = ?1 FOR UPDATE")
                .setParameter(1, name)
                .getSingleResult();
    Instant cooldown = Timestamps.toInstant(budget[0]);
    Instant now = Timestamps.toInstant(budget[2]);
    if (cooldown != null && cooldown.isAfter(now)) {
      return Admission.refused("cooling down (" + budget[1] + ")", cooldown);
    }
    RateLimits limits = b.limits();
    if (limits.requestsPerMinute() > 0 || limits.tokensPerMinute() > 0) {
      Object[] window =
          (Object[])
              em.createNativeQuery(
                      "SELECT count(*), coalesce(sum(tokens), 0), min(at) FROM backend_call"
                          + " WHERE backend = ?1 AND at > clock_timestamp() - make_interval(secs => ?2)")
                  .setParameter(1, name)
                  .setParameter(2, WINDOW_SECONDS)
                  .getSingleResult();
      long requests = ((Number) window[0]).longValue();
      long tokens = ((Number) window[1]).longValue();
      Instant oldest = Timestamps.toInstant(window[2]);
      Instant freed = oldest == null ? now : oldest.plusMillis((long) (WINDOW_SECONDS * 1000));
      if (limits.requestsPerMinute() > 0 && requests >= limits.requestsPerMinute()) {
        return Admission.refused(
            "requests-per-minute limit " + limits.requestsPerMinute() + " reached", freed);
      }
      if (limits.tokensPerMinute() > 0
          && tokens > 0
          && tokens + estimatedTokens > limits.tokensPerMinute()) {
        return Admission.refused(
            "tokens-per-minute limit " + limits.tokensPerMinute() + " reached", freed);
      }
    }
    long dayRequests = ((Number) budget[3]).longValue();
    if (limits.requestsPerDay() > 0 && dayRequests >= limits.requestsPerDay()) {
      Instant midnight =
          now.atZone(java.time.ZoneOffset.UTC)
              .toLocalDate()
              .plusDays(1)
              .atStartOfDay()
              .toInstant(java.time.ZoneOffset.UTC);
      return Admission.refused(
          "requests-per-day limit " + limits.requestsPerDay() + " reached", midnight);
    }
    if (limits.maxConcurrency() > 0) {
      long inFlight =
          ((Number)
                  em.createNativeQuery(
                          "SELECT count(*) FROM backend_call WHERE backend = ?1"
                              + " AND released_at IS NULL AND expires_at > clock_timestamp()")
                      .setParameter(1, name)
                      .getSingleResult())
              .longValue();
      if (inFlight >= limits.maxConcurrency()) {
        return Admission.refused(
            "all " + limits.maxConcurrency() + " concurrent requests in use", null);
      }
    }
    Number id =
        (Number)
            em.createNativeQuery(
                    "INSERT INTO backend_call (backend, at, tokens, expires_at)"
                        + " VALUES (?1, clock_timestamp(), ?2, clock_timestamp() + make_interval(secs => ?3))"
                        + " RETURNING id")
                .setParameter(1, name)
                .setParameter(2, estimatedTokens)
                .setParameter(3, b.timeout().toMillis() / 1000.0 + 5)
                .getSingleResult();
    em.createNativeQuery(
            "UPDATE backend_budget SET day_requests = CASE WHEN day = (clock_timestamp() AT TIME ZONE 'UTC')::date"
                + " THEN day_requests + 1 ELSE 1 END, day = (clock_timestamp() AT TIME ZONE 'UTC')::date"
                + " WHERE backend = ?1")
        .setParameter(1, name)
        .executeUpdate();
    return Admission.admitted(id.longValue());
  }

  /**
   * The request ended: it no longer counts as in flight, and its real token count replaces the
   * estimate.
   */
  public void release(long callId, Integer actualTokens) {
    if (callId == Admission.UNCOUNTED) {
      return;
    }
    em.createNativeQuery(
            "UPDATE backend_call SET released_at = clock_timestamp(),"
                + " tokens = coalesce(?2, tokens) WHERE id = ?1")
        .setParameter(1, callId)
        .setParameter(2, actualTokens)
        .executeUpdate();
  }

  /** No server sends this backend a request before {@code until} (only ever extends a cooldown). */
  public void coolDown(String backend, Instant until, String reason) {
    em.createNativeQuery("INSERT INTO backend_budget (backend) VALUES (?1) ON CONFLICT DO NOTHING")
        .setParameter(1, backend)
        .executeUpdate();
    em.createNativeQuery(
            "UPDATE backend_budget SET cooldown_until = ?2, cooldown_reason = ?3"
                + " WHERE backend = ?1 AND (cooldown_until IS NULL OR cooldown_until < ?2)")
        .setParameter(1, backend)
        .setParameter(2, until)
        .setParameter(3, reason)
        .executeUpdate();
    cooldowns.noted(backend, until);
  }

  /** Backends cooling down now, and until when, as the database has them (the admin API). */
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public Map<String, Instant> cooldowns() {
    return cooldowns.fresh();
  }

  /** Forgets requests that no longer count for any limit (older than the window, ended). */
  public int purge() {
    return em.createNativeQuery(
            "DELETE FROM backend_call WHERE at < clock_timestamp() - interval '10 minutes'"
                + " AND (released_at IS NOT NULL OR expires_at < clock_timestamp())")
        .executeUpdate();
  }
}
