package io.renqueue.routing;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The A/B splits in the database, the copy every server reads. */
@Stateless
public class SplitStore {

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @SuppressWarnings("unchecked")
  public Map<String, Split> all() {
    Map<String, Map<String, Integer>> weights = new LinkedHashMap<>();
    Map<String, Split.Sticky> sticky = new LinkedHashMap<>();
    for (Object[] r :
        (List<Object[]>)
            em.createNativeQuery(
                    "SELECT alias, backend, weight, sticky FROM route_split ORDER BY alias, backend")
                .getResultList()) {
      String alias = (String) r[0];
      weights
          .computeIfAbsent(alias, a -> new LinkedHashMap<>())
          .put((String) r[1], ((Number) r[2]).intValue());
      sticky.put(alias, Split.Sticky.fromWire((String) r[3]));
    }
    Map<String, Split> splits = new LinkedHashMap<>();
    weights.forEach((alias, w) -> splits.put(alias, new Split(alias, w, sticky.get(alias))));
    return splits;
  }

  /** Replaces the alias's split (all its rows) in one transaction. */
  public void replace(Split split) {
    delete(split.alias());
    split
        .weights()
        .forEach(
            (backend, weight) ->
                em.createNativeQuery(
                        "INSERT INTO route_split (alias, backend, weight, sticky) VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, split.alias())
                    .setParameter(2, backend)
                    .setParameter(3, weight)
                    .setParameter(4, split.sticky().wireName())
                    .executeUpdate());
  }

  /** Stores a configured split unless the alias already has one (changes made at run time win). */
  public boolean seed(Split split) {
    Number existing =
        (Number)
            em.createNativeQuery("SELECT count(*) FROM route_split WHERE alias = ?1")
                .setParameter(1, split.alias())
                .getSingleResult();
    if (existing.longValue() > 0) {
      return false;
    }
    replace(split);
    return true;
  }

  public boolean delete(String alias) {
    return em.createNativeQuery("DELETE FROM route_split WHERE alias = ?1")
            .setParameter(1, alias)
            .executeUpdate()
        > 0;
  }
}
