package io.renqueue.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;

/** What the benchmark parts read from the database: the source of truth about every task. */
final class BenchDatabase {

  private final BenchConfig config;

  BenchDatabase(BenchConfig config) {
    this.config = config;
  }

  /** Waits until {@code expected} tasks of the run (by a marker in the prompt) have ended. */
  void awaitEnded(String runId, int expected, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement done =
            c.prepareStatement(
                "SELECT count(*) FROM task WHERE request_json LIKE ?"
                    + " AND state IN ('SUCCEEDED','FAILED','EXPIRED','CANCELLED')")) {
      done.setString(1, "%" + runId + "%");
      while (true) {
        try (ResultSet rs = done.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= expected) {
            return;
          }
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(runId + ": tasks did not end within " + timeout);
        }
        Thread.sleep(500);
      }
    }
  }
}
