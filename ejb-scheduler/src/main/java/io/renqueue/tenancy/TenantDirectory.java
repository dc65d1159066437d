package io.renqueue.tenancy;

import io.renqueue.scheduling.SchedulingSettings;
import io.renqueue.scheduling.TenantWeights;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The tenants the database knows, with their fair-share weights. A tenant is registered the first
 * time one of its tasks arrives; weights come from configuration.
 */
@Stateless
public class TenantDirectory {

  private static final Logger LOG = Logger.getLogger(TenantDirectory.class.getName());

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @Inject private SchedulingSettings settings;

  @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
  private TransactionSynchronizationRegistry transactions;

  /**
   * Makes sure the tenant exists, in the caller's transaction. A new tenant starts at the
   * fair-share floor: it gets its share from now on, not credit for the past.
   */
  public void register(String tenant) {
    if (KnownTenants.contains(tenant)) {
      return;
    }
    int inserted =
        em.createNativeQuery(KnownTenants.REGISTER)
            .setParameter(1, tenant)
            .setParameter(2, tenant)
            .setParameter(3, settings.tenantWeights().of(tenant))
            .executeUpdate();
    if (inserted == 1) {
      LOG.info(() -> "New tenant " + tenant);
    }
    // Only a committed row may be remembered: a rolled-back first task must not leave the
    // cache pointing at a tenant the database never stored.
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              KnownTenants.remember(tenant);
            }
          }
        });
  }

  /**
   * Writes the configured weights: listed tenants get theirs (created if new), others the default.
   */
  public void applyWeights() {
    TenantWeights weights = settings.tenantWeights();
    for (Map.Entry<String, Double> e : weights.weights().entrySet()) {
      em.createNativeQuery(
              "INSERT INTO tenant (id, name, weight, virtual_tokens) SELECT ?1, ?1, ?2, "
                  + FairShareCounters.FLOOR
                  + " ON CONFLICT (id) DO UPDATE SET weight = EXCLUDED.weight")
          .setParameter(1, e.getKey())
          .setParameter(2, e.getValue())
          .executeUpdate();
    }
    String listed = String.join(",", weights.weights().keySet());
    em.createNativeQuery(
            "UPDATE tenant SET weight = ?1 WHERE weight <> ?1"
                + " AND NOT (id = ANY (string_to_array(?2, ',')))")
        .setParameter(1, weights.defaultWeight())
        .setParameter(2, listed)
        .executeUpdate();
    LOG.info(
        () ->
            "Tenant weights: "
                + (weights.weights().isEmpty() ? "none listed" : weights.weights())
                + ", default "
                + weights.defaultWeight());
  }
}
