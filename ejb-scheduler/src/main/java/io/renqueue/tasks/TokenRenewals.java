package io.renqueue.tasks;

import io.renqueue.storage.DirectSql;
import io.renqueue.storage.Unit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which waiting tasks need a dispatch token (again): tasks whose token the broker never confirmed,
 * the queue's head, tasks whose token is old, and tasks that wait while slots are idle. A token may
 * arrive twice or never; these are how the sweep and the workers make up for the "never". Each
 * query is bounded and uses an index (docs/architecture.md lists them with their plans).
 */
@ApplicationScoped
public class TokenRenewals {

  @Inject DirectSql sql;

  /**
   * Tasks whose current wait has no confirmed token, for longer than {@code graceSeconds} since
   * they were queued: the server that queued them died before sending it, or the broker was away.
   * Oldest first. Their tokens confirm {@code dispatched_at} once the broker has them.
   */
  public List<TokenOwed> undispatched(int graceSeconds, int limit) {
    return sql.statement(
        u ->
            owed(
                u,
                "SELECT id, priority, dispatch_priority FROM task WHERE state = 'QUEUED'"
                    + " AND dispatched_at IS NULL AND NOT blocked"
                    + " AND created_at < now() - make_interval(secs => ?)"
                    + " AND (started_at IS NULL OR started_at < now() - make_interval(secs => ?))"
                    + " ORDER BY created_at LIMIT ?",
                graceSeconds,
                graceSeconds,
                limit));
  }

  /**
   * QUEUED tasks whose last confirmed token is older than {@code seconds} get their dispatch time
   * renewed and a new token: covers tokens lost to the dead-letter queue or a purge.
   */
  public List<TokenOwed> renewStaleDispatches(int seconds, int batch) {
    return sql.statement(
        u ->
            owed(
                u,
                "WITH stale AS MATERIALIZED (SELECT id FROM task WHERE state = 'QUEUED'"
                    + " AND NOT blocked AND dispatched_at < now() - make_interval(secs => ?)"
                    + " ORDER BY dispatched_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                    + " UPDATE task t SET dispatched_at = now() FROM stale"
                    + " WHERE t.id = stale.id AND t.state = 'QUEUED'"
                    + " RETURNING t.id, t.priority, t.dispatch_priority",
                seconds,
                batch));
  }

  /**
   * The most urgent tasks that could be claimed now and whose last token is older than {@code
   * seconds}, up to {@code limit}: their dispatch time is renewed and new tokens wake idle slots
   * that the old ones never reached.
   */
  public List<TokenOwed> renewStalledHead(int seconds, int limit) {
    // A materialized CTE, not "id IN (subquery … LIMIT)": PostgreSQL may rescan such a subquery
    // for each row and, skipping the rows it just updated, go past the limit.
    return sql.statement(
        u ->
            owed(
                u,
                "WITH stalled AS MATERIALIZED (SELECT id FROM task WHERE state = 'QUEUED'"
                    + " AND NOT blocked"
                    + " AND (not_before IS NULL OR not_before <= now())"
                    + " AND (expires_at IS NULL OR expires_at > now())"
                    // A deferred task's token arrives just after not_before: count from then.
                    + " AND greatest(dispatched_at, not_before) < now() - make_interval(secs => ?)"
                    + " ORDER BY dispatch_priority DESC, created_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                    + " UPDATE task t SET dispatched_at = now() FROM stalled"
                    + " WHERE t.id = stalled.id AND t.state = 'QUEUED'"
                    + " RETURNING t.id, t.priority, t.dispatch_priority",
                seconds,
                limit));
  }

  /**
   * The most urgent tasks waiting to be claimed now: each tenant's head from the dispatch index,
   * then the best of those, so a backlog of millions is not sorted for a handful of tokens.
   */
  public List<TokenOwed> queueHead(int limit) {
    return sql.statement(
        u ->
            owed(
                u,
                "SELECT h.id, h.priority, h.dispatch_priority FROM tenant n CROSS JOIN LATERAL"
                    + " (SELECT q.id, q.priority, q.dispatch_priority, q.created_at FROM task q"
                    + " WHERE q.tenant_id = n.id AND q.state = 'QUEUED' AND NOT q.blocked"
                    + " AND (q.not_before IS NULL OR q.not_before <= now())"
                    + " AND (q.expires_at IS NULL OR q.expires_at > now())"
                    + " ORDER BY q.dispatch_priority DESC, q.created_at LIMIT ?) h"
                    + " ORDER BY h.dispatch_priority DESC, h.created_at LIMIT ?",
                limit,
                limit));
  }

  static List<TokenOwed> owed(Unit u, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement s = u.prepare(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      List<TokenOwed> owed = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          owed.add(TokenOwed.of(rs));
        }
      }
      return owed;
    }
  }
}
