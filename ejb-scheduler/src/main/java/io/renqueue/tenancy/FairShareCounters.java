package io.renqueue.tenancy;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tenants' fair-share counters in the database: among waiting tasks of one dispatch priority
 * the tenant with the lowest counter goes first, and a claim charges it the task's estimated tokens
 * divided by its weight ({@code TaskClaimsSqlTest} runs the claim against PostgreSQL). A tenant's
 * counter is its base ({@code tenant.virtual_tokens}, moved by registration and idle lifts) plus
 * the sum of its {@code tenant_share} rows; charges go to a random one of {@link #SHARDS} rows, so
 * slots charging the same tenant at once rarely wait on each other's row lock.
 */
@Stateless
public class FairShareCounters {

  static final int SHARDS = 16;

  /** A tenant's counter, for a {@code tenant} row aliased {@code alias}, as an SQL expression. */
  public static String counter(String alias) {
    return "("
        + alias
        + ".virtual_tokens + coalesce((SELECT sum(s.virtual_tokens) FROM tenant_share s"
        + " WHERE s.tenant_id = "
        + alias
        + ".id), 0))";
  }

  /**
   * Where idle and new tenants stand: the lowest counter among tenants with work waiting (or the
   * highest of all when nothing waits), so that neither saves up credit while idle.
   */
  static final String FLOOR =
      "coalesce((SELECT min("
          + counter("w")
          + ") FROM tenant w WHERE EXISTS (SELECT 1 FROM task q"
          + " WHERE q.tenant_id = w.id AND q.state = 'QUEUED' AND NOT q.blocked)),"
          + " (SELECT max("
          + counter("m")
          + ") FROM tenant m), 0)";

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  /** Adds {@code tokens / weight} to the tenant's counter (a claim charges its estimate). */
  public void charge(String tenant, long tokens) {
    em.createNativeQuery(
            "INSERT INTO tenant_share (tenant_id, shard, virtual_tokens)"
                + " SELECT id, ?1, ?2 / weight FROM tenant WHERE id = ?3"
                + " ON CONFLICT (tenant_id, shard) DO UPDATE"
                + " SET virtual_tokens = tenant_share.virtual_tokens + EXCLUDED.virtual_tokens")
        .setParameter(1, shard())
        .setParameter(2, (double) tokens)
        .setParameter(3, tenant)
        .executeUpdate();
  }

  /**
   * Replaces the estimate charged when the task started with the tokens it really used: fairness is
   * measured in what tenants consumed.
   */
  public void chargeActualUsage(UUID task) {
    chargeTask(
        task,
        "CASE WHEN t.prompt_tokens IS NULL THEN 0"
            + " ELSE t.prompt_tokens + coalesce(t.completion_tokens, 0) - t.estimated_tokens END");
  }

  /** Returns the estimate charged at the start of an attempt that was preempted. */
  public void refundEstimate(UUID task) {
    chargeTask(task, "-t.estimated_tokens");
  }

  /**
   * Lifts every tenant with nothing waiting to the fair-share floor, so a tenant coming back from
   * idle gets its share and not a burst of banked credit. Run by the sweep; between two sweeps a
   * returning tenant can be at most one interval's worth of service behind.
   */
  public int liftIdleTenants() {
    return em.createNativeQuery(
            "UPDATE tenant n SET virtual_tokens = n.virtual_tokens + (f.floor - "
                + counter("n")
                + ") FROM (SELECT "
                + FLOOR
                + " AS floor) f WHERE "
                + counter("n")
                + " < f.floor AND NOT EXISTS (SELECT 1 FROM task q"
                + " WHERE q.tenant_id = n.id AND q.state = 'QUEUED' AND NOT q.blocked)")
        .executeUpdate();
  }

  /** Adds {@code tokensExpression / weight}, an SQL expression over the task row {@code t}. */
  private void chargeTask(UUID task, String tokensExpression) {
    em.createNativeQuery(
            "INSERT INTO tenant_share (tenant_id, shard, virtual_tokens)"
                + " SELECT n.id, ?1, ("
                + tokensExpression
                + ") / n.weight FROM task t JOIN tenant n ON n.id = t.tenant_id WHERE t.id = ?2"
                + " ON CONFLICT (tenant_id, shard) DO UPDATE"
                + " SET virtual_tokens = tenant_share.virtual_tokens + EXCLUDED.virtual_tokens")
        .setParameter(1, shard())
        .setParameter(2, task)
        .executeUpdate();
  }

  public static short shard() {
    return (short) ThreadLocalRandom.current().nextInt(SHARDS);
  }
}
