package io.renqueue.schema;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings the database schema up to date when the application starts. Several servers may start at
 * once against one database; a PostgreSQL advisory lock makes them take turns, and the second finds
 * nothing left to do.
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class SchemaMigrations {

  private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());
  private static final long LOCK_KEY = 0x52454e51L; // "RENQ"
  private static final String LOCATION = "db/migration/";

  @Resource(lookup = "jdbc/renqueue")
  private DataSource dataSource;

  @PostConstruct
  void migrate() {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
      }
      try {
        applyPending(c);
      } finally {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
        }
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("Database schema migration failed: " + e.getMessage(), e);
    }
  }

  private void applyPending(Connection c) throws SQLException, IOException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY,"
              + " script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    }
    Set<Integer> applied = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
      while (rs.next()) {
        applied.add(rs.getInt(1));
      }
    }
    List<String> pending = MigrationPlan.pending(available(), applied);
    for (String script : pending) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(read(script));
        s.execute(
            "INSERT INTO schema_version (version, script) VALUES ("
                + MigrationPlan.version(script)
                + ", '"
                + script
                + "')");
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      LOG.info(() -> "Applied schema migration " + script);
    }
    if (pending.isEmpty()) {
      LOG.info("Database schema is up to date");
    }
  }

  private static List<String> available() throws IOException {
    return Arrays.stream(read("index.txt").split("\\R"))
        .map(String::trim)
        .filter(l -> !l.isEmpty())
        .toList();
  }

  private static String read(String name) throws IOException {
    try (InputStream in =
        SchemaMigrations.class.getClassLoader().getResourceAsStream(LOCATION + name)) {
      if (in == null) {
        throw new IOException("Missing migration resource " + LOCATION + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
