package io.renqueue.tasks;

import io.renqueue.storage.DirectSql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The leases of running tasks, on the database clock: renewed by their worker, ended for a dead or
 * restarted node, extended after a database outage. What the sweep does with expired ones is in
 * {@link TaskSweepRules}.
 */
@ApplicationScoped
public class TaskLeases {

  @Inject DirectSql sql;

  /**
   * Extends the leases of the attempts this node runs (task → fence), in one statement. Returns the
   * tasks whose lease could not be renewed: no longer this attempt's (it ran out and moved on).
   */
  public Set<UUID> renew(Map<UUID, Integer> running, String node, int leaseSeconds) {
    if (running.isEmpty()) {
      return Set.of();
    }
    return sql.statement(
        u -> {
          UUID[] ids = running.keySet().toArray(UUID[]::new);
          Integer[] fences = new Integer[ids.length];
          for (int i = 0; i < ids.length; i++) {
            fences[i] = running.get(ids[i]);
          }
          Set<UUID> renewed = new HashSet<>();
          try (PreparedStatement s =
              u.prepare(
                  "UPDATE task t SET lease_expires_at = now() + make_interval(secs => ?)"
                      + " FROM unnest(?::uuid[], ?::int[]) AS r(id, fence)"
                      + " WHERE t.id = r.id AND t.attempts = r.fence AND t.node_id = ?"
                      + " AND t.state = 'RUNNING' RETURNING t.id")) {
            s.setInt(1, leaseSeconds);
            s.setArray(2, u.connection().createArrayOf("uuid", ids));
            s.setArray(3, u.connection().createArrayOf("int4", fences));
            s.setString(4, node);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                renewed.add(rs.getObject(1, UUID.class));
              }
            }
          }
          Set<UUID> lost = new HashSet<>(running.keySet());
          lost.removeAll(renewed);
          return lost;
        });
  }

  /** Gives every running task at least {@code seconds} of lease from now (after an outage). */
  public int extendRunningLeases(int seconds) {
    return update(
        "UPDATE task SET lease_expires_at ="
            + " greatest(lease_expires_at, now() + make_interval(secs => ?)) WHERE state = 'RUNNING'",
        seconds);
  }

  /**
   * Ends the leases of every task this node holds: when a worker starts (whatever the database says
   * it runs was lost with its previous life) or is judged dead. In the past even within a
   * transaction that began earlier, so the next sweep requeues those tasks at once.
   */
  public int expireLeasesOf(String node) {
    return update(
        "UPDATE task SET lease_expires_at = now() - interval '1 second'"
            + " WHERE node_id = ? AND state = 'RUNNING'",
        node);
  }

  private int update(String statement, Object parameter) {
    return sql.statement(
        u -> {
          try (PreparedStatement s = u.prepare(statement)) {
            s.setObject(1, parameter);
            return s.executeUpdate();
          }
        });
  }
}
