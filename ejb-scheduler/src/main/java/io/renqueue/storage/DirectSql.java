package io.renqueue.storage;

import io.renqueue.dispatch.OutboxRelay;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Runs a step of the per-task path as one local transaction on {@code jdbc/renqueue-direct}, then
 * hands the messages it owes the broker to the {@link OutboxRelay}: the commit is the only wait.
 */
@ApplicationScoped
public class DirectSql {

  private static final Logger LOG = Logger.getLogger(DirectSql.class.getName());

  @Resource(lookup = "jdbc/renqueue-direct")
  DataSource database;

  @Inject OutboxRelay relay;

  /** One transaction: committed when {@code work} returns, rolled back when it throws. */
  public <T> T transaction(SqlWork<T> work) {
    try (Connection c = database.getConnection()) {
      c.setAutoCommit(false);
      Unit unit = new Unit(c);
      T result;
      try {
        result = work.run(unit);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      }
      committed(unit);
      return result;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  /** A single statement that commits by itself (autocommit): one round trip. */
  public <T> T statement(SqlWork<T> work) {
    try (Connection c = database.getConnection()) {
      c.setAutoCommit(true);
      Unit unit = new Unit(c);
      T result = work.run(unit);
      committed(unit);
      return result;
    } catch (SQLException e) {
      throw new StorageException(e);
    }
  }

  private void committed(Unit unit) {
    relay.submit(unit.outgoing());
    for (Runnable action : unit.afterCommitActions()) {
      try {
        action.run();
      } catch (RuntimeException e) {
        // The change is committed; what follows it (metrics, wake-ups) must not undo that.
        LOG.log(Level.WARNING, "After-commit action failed", e);
      }
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.fine(() -> "Rollback failed (the connection is broken): " + e);
    }
  }
}
