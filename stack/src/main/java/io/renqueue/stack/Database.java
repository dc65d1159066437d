package io.renqueue.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL (binaries from Maven Central through zonky) on 127.0.0.1, with a fresh data
 * directory each start and prepared transactions enabled for XA.
 */
final class Database {

  private Database() {}

  static void start(Path dataDir, int port, Credentials credentials, StackState state)
      throws IOException, SQLException {
    Processes.requireFree("PostgreSQL", port);
    deleteRecursively(dataDir);
    Files.createDirectories(dataDir.getParent());
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setRegisterShutdownHook(false)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_prepared_transactions", "64")
            .setServerConfig("max_connections", "300")
            // zonky starts PostgreSQL with fsync and synchronous_commit off; a scheduler that
            // promises durability runs on a durable database.
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .setOutputRedirector(
                java.lang.ProcessBuilder.Redirect.appendTo(
                    dataDir.resolveSibling("postgres.log").toFile()))
            .setErrorRedirector(
                java.lang.ProcessBuilder.Redirect.appendTo(
                    dataDir.resolveSibling("postgres.log").toFile()))
            .start();
    long pid = postmasterPid(dataDir);
    state.put("postgres.pid", pid);
    state.put("postgres.datadir", dataDir);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE ROLE "
              + credentials.dbUser()
              + " LOGIN PASSWORD '"
              + credentials.dbPassword().replace("'", "''")
              + "'");
      s.execute("CREATE DATABASE " + credentials.dbName() + " OWNER " + credentials.dbUser());
    }
    Log.info("PostgreSQL ready on 127.0.0.1:" + port + " (pid " + pid + ")");
  }

  static void stop(StackState state) {
    long pid = state.pid("postgres.pid");
    if (pid <= 0) {
      return;
    }
    Processes.signal(pid, "INT"); // fast shutdown: roll back open transactions, then exit
    if (!Processes.awaitExit(pid, Duration.ofSeconds(30))) {
      Processes.stop(pid, Duration.ofSeconds(5));
    }
    Log.info("PostgreSQL stopped");
  }

  private static long postmasterPid(Path dataDir) throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
