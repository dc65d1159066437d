package io.renqueue.usage;

import io.renqueue.routing.BackendDefinition;
import io.renqueue.routing.BackendKind;
import io.renqueue.routing.BackendRegistry;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Usage from the database: every SUCCEEDED task carries its tokens, the backend that served it and
 * its cost. The reference backend is {@code renqueue.usage.reference-backend}, or else the paid
 * backend with the highest output price.
 */
@Stateless
public class UsageView {

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @Inject private BackendRegistry registry;

  @Inject
  @ConfigProperty(name = "renqueue.usage.reference-backend")
  Optional<String> referenceBackend;

  @SuppressWarnings("unchecked")
  public UsageReport report(Instant from, Instant to, String tenant) {
    List<Object[]> rows =
        em.createNativeQuery(
                "SELECT coalesce(backend, '?'), tenant_id, count(*), coalesce(sum(prompt_tokens), 0),"
                    + " coalesce(sum(completion_tokens), 0), coalesce(sum(cost_usd), 0) FROM task"
                    + " WHERE state = 'SUCCEEDED' AND finished_at >= ?1 AND finished_at < ?2"
                    + " AND (?3 = '' OR tenant_id = ?3) GROUP BY 1, 2")
            .setParameter(1, from)
            .setParameter(2, to)
            .setParameter(3, tenant == null ? "" : tenant)
            .getResultList();
    Optional<BackendDefinition> reference = reference();
    return UsageReport.of(
        rows.stream()
            .map(
                r ->
                    new UsageReport.Row(
                        (String) r[0],
                        (String) r[1],
                        ((Number) r[2]).longValue(),
                        ((Number) r[3]).longValue(),
                        ((Number) r[4]).longValue(),
                        ((Number) r[5]).doubleValue()))
            .toList(),
        reference.map(BackendDefinition::name).orElse(null),
        reference.map(BackendDefinition::price).orElse(null));
  }

  private Optional<BackendDefinition> reference() {
    if (referenceBackend.isPresent()) {
      return registry.named(referenceBackend.get());
    }
    return registry.all().stream()
        .filter(b -> b.kind() == BackendKind.CLOUD_PAID && !b.price().isFree())
        .max(Comparator.comparingDouble(b -> b.price().outputPerMillion()));
  }
}
