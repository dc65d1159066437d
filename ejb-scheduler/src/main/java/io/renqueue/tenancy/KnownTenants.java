package io.renqueue.tenancy;

import io.renqueue.storage.Unit;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Tenants known to exist in the database, so a submission registers its tenant only the first time
 * this server sees it. A new tenant starts at the fair-share floor: it gets its share from now on,
 * not credit for the past.
 */
public final class KnownTenants {

  private static final Logger LOG = Logger.getLogger(KnownTenants.class.getName());

  private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

  static final String REGISTER =
      "INSERT INTO tenant (id, name, weight, virtual_tokens) SELECT ?, ?, ?, "
          + FairShareCounters.FLOOR
          + " ON CONFLICT (id) DO NOTHING";

  private KnownTenants() {}

  static boolean contains(String tenant) {
    return KNOWN.contains(tenant);
  }

  /** Remembers a tenant whose row is committed. */
  static void remember(String tenant) {
    KNOWN.add(tenant);
  }

  /** Makes sure the tenant exists, in the unit's transaction; remembered once that commits. */
  public static void register(Unit unit, String tenant, double weight) throws SQLException {
    if (KNOWN.contains(tenant)) {
      return;
    }
    try (PreparedStatement s = unit.prepare(REGISTER)) {
      s.setString(1, tenant);
      s.setString(2, tenant);
      s.setDouble(3, weight);
      if (s.executeUpdate() == 1) {
        LOG.info(() -> "New tenant " + tenant);
      }
    }
    unit.afterCommit(() -> KNOWN.add(tenant));
  }
}
