package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 30 s under load: the API answers 503 problem+json with Retry-After while
 * it is away (and nothing it answered 503 for is stored), and every task it accepted before or
 * after ends SUCCEEDED exactly once.
 */
class DatabaseChaosIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void withPostgresStoppedFor30sTheApiAnswers503AndNothingAcceptedIsLost() throws Exception {
    simulator(SIM_A, "{\"first_token_ms\":500}");
    simulator(SIM_B, "{\"first_token_ms\":500}");
    try (SubmissionLoad load = new SubmissionLoad(SCHEDULERS.get(0), "db outage")) {
      sleep(3000);

      List<String> postgres = stopPostgres();
      sleep(30_000);
      startPostgres(postgres);
      java.time.Instant back = java.time.Instant.now();
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(500))
          .alias("the sweeps resume once the database is back")
          .until(() -> lastSweep().isAfter(back));
      sleep(10_000);
      load.close();

      assertThat(load.refused).as("503s while the database was away").isNotEmpty();
      load.assertNothingAcceptedWasLost(20);
    }
  }

  /** Fast shutdown of the postmaster the launcher started; returns its command line. */
  private static List<String> stopPostgres() throws Exception {
    long pid = Long.parseLong(stackState().getProperty("postgres.pid"));
    List<String> command = commandLine(pid);
    assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(pid)).start().waitFor()).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    return command;
  }

  /** Starts it again, the same way, and tells the launcher's state file its new pid. */
  private static void startPostgres(List<String> command) throws Exception {
    List<String> run = new ArrayList<>(command);
    if ("root".equals(System.getProperty("user.name"))) {
      // As the launcher's embedded PostgreSQL does: it refuses to run as root, so it runs in a
      // user namespace where its files and its user are the same unprivileged id.
      run.addAll(0, List.of("unshare", "-U"));
    }
    Process p =
        new ProcessBuilder(run)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    stackDir().resolve("postgres/postgres.log").toFile()))
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              try (var c = DriverManager.getConnection(JDBC_URL, "renqueue", "renqueue")) {
                return true;
              } catch (Exception e) {
                return false;
              }
            });
    recordPid("postgres.pid", p.pid(), "postgres restarted by a chaos test");
  }

  private static java.time.Instant lastSweep() throws Exception {
    try (var db = database();
        var q =
            db.prepareStatement("SELECT last_run_at FROM sweep_lease WHERE name = 'scheduler'");
        var rs = q.executeQuery()) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }
}
