package io.renqueue.routing;

import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backends changed through the admin API, in the database every server reads: name → its
 * definition as JSON ({@link BackendJson}), or empty for a backend that was removed.
 */
@Stateless
public class BackendOverrides {

  @PersistenceContext(unitName = "renqueue")
  private EntityManager em;

  @SuppressWarnings("unchecked")
  public Map<String, Optional<String>> all() {
    Map<String, Optional<String>> rows = new LinkedHashMap<>();
    for (Object[] r :
        (List<Object[]>)
            em.createNativeQuery("SELECT name, definition FROM backend_override ORDER BY name")
                .getResultList()) {
      rows.put((String) r[0], Optional.ofNullable((String) r[1]));
    }
    return rows;
  }

  /** Adds or replaces a backend's definition. */
  public void put(String name, String definitionJson) {
    upsert(name, definitionJson);
  }

  /** Removes a backend, a configured one included, until it is put again. */
  public void remove(String name) {
    upsert(name, null);
  }

  private void upsert(String name, String definitionJson) {
    em.createNativeQuery(
            "INSERT INTO backend_override (name, definition) VALUES (?1, ?2)"
                + " ON CONFLICT (name) DO UPDATE"
                + " SET definition = EXCLUDED.definition, updated_at = now()")
        .setParameter(1, name)
        .setParameter(2, definitionJson)
        .executeUpdate();
  }
}
