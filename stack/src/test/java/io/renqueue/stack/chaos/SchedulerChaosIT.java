package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two schedulers run the sweeps between them, exactly once per period: kill -9 the one sweeping
 * now, and the other takes over within the documented bound (4 sweep intervals) without two sweeps
 * ever falling in one period; kill -9 the other one, and the sweeps go on undisturbed.
 */
class SchedulerChaosIT {

  private static final Duration SWEEP = Duration.ofSeconds(1);

  @AfterEach
  void clusterWhole() throws Exception {
    healthySimulators();
    for (String s : SCHEDULERS) {
      ensureRunning(s);
    }
  }

  @Test
  void killingTheSweepingSchedulerHandsTheSweepsToTheOtherWithinFourIntervals() throws Exception {
    String sweeper = currentSweeper();
    String survivor = SCHEDULERS.stream().filter(s -> !s.equals(sweeper)).findFirst().orElseThrow();
    List<Instant> runs = new ArrayList<>();
    recordRuns(runs, Duration.ofSeconds(3));

    killHard(sweeper);
    Instant killed = Instant.now();
    // A task only a sweep can rescue: running on a node that vanished, its lease already over.
    String prompt = unique("rescued by the surviving sweeper");
    UUID stranded = strandedTask(prompt);
    recordRuns(runs, Duration.ofSeconds(8));

    assertThat(currentSweeper()).isEqualTo(survivor);
    Instant firstAfter = runs.stream().filter(r -> r.isAfter(killed)).findFirst().orElseThrow();
    assertThat(Duration.between(killed, firstAfter))
        .as("taken over within 4 sweep intervals")
        .isLessThanOrEqualTo(SWEEP.multipliedBy(4).plusMillis(500));
    for (int i = 1; i < runs.size(); i++) {
      assertThat(Duration.between(runs.get(i - 1), runs.get(i)))
          .as("never two sweeps in one period")
          .isGreaterThanOrEqualTo(SWEEP.dividedBy(2));
    }
    JsonObject done = awaitEnded(stranded.toString(), Duration.ofMinutes(1));
    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getInt("attempts")).isEqualTo(2);
    assertThat(completions(prompt)).isEqualTo(1);
  }

  @Test
  void killingTheSchedulerThatDoesNotSweepLeavesTheSweepsRunningOncePerPeriod() throws Exception {
    String sweeper = currentSweeper();
    String other = SCHEDULERS.stream().filter(s -> !s.equals(sweeper)).findFirst().orElseThrow();
    List<Instant> runs = new ArrayList<>();
    recordRuns(runs, Duration.ofSeconds(3));

    killHard(other);
    Instant killed = Instant.now();
    String prompt = unique("rescued while the other scheduler is down");
    UUID stranded = strandedTask(prompt);
    recordRuns(runs, Duration.ofSeconds(8));

    assertThat(currentSweeper()).isEqualTo(sweeper);
    List<Instant> after = runs.stream().filter(r -> r.isAfter(killed)).toList();
    assertThat(after).as("sweeps after the kill").hasSizeGreaterThanOrEqualTo(5);
    for (int i = 1; i < runs.size(); i++) {
      Duration gap = Duration.between(runs.get(i - 1), runs.get(i));
      assertThat(gap)
          .as("never two sweeps in one period")
          .isGreaterThanOrEqualTo(SWEEP.dividedBy(2));
      assertThat(gap).as("no pause in the sweeps").isLessThanOrEqualTo(SWEEP.multipliedBy(4));
    }
    // The API of the survivor serves (api() picks a scheduler that answers).
    JsonObject done = awaitEnded(stranded.toString(), Duration.ofMinutes(1));
    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(completions(prompt)).isEqualTo(1);
  }

  /** The node id of the scheduler holding the sweep lease (holder is "node/jvm-id"). */
  private static String currentSweeper() throws Exception {
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement(
                "SELECT holder FROM sweep_lease WHERE name = 'scheduler' AND expires_at > now()");
        ResultSet rs = q.executeQuery()) {
      assertThat(rs.next()).as("someone holds the sweep lease").isTrue();
      return rs.getString(1).split("/")[0];
    }
  }

  /** Every distinct start of a sweep (last_run_at, database clock) seen while polling. */
  private static void recordRuns(List<Instant> runs, Duration during) throws Exception {
    Instant end = Instant.now().plus(during);
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement("SELECT last_run_at FROM sweep_lease WHERE name = 'scheduler'")) {
      while (Instant.now().isBefore(end)) {
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          Timestamp t = rs.getTimestamp(1);
          if (t != null && (runs.isEmpty() || !runs.get(runs.size() - 1).equals(t.toInstant()))) {
            runs.add(t.toInstant());
          }
        }
        Thread.sleep(50);
      }
    }
  }

  private static UUID strandedTask(String prompt) throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection db = database();
        PreparedStatement insert =
            db.prepareStatement(
                "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json,"
                    + " created_at, started_at, lease_expires_at, attempts, node_id,"
                    + " dispatch_priority) VALUES (?, 'default', 'CHAT', 'sim-small', 'NORMAL',"
                    + " 'RUNNING', ?, now(), now(), now() - interval '1 second', 1,"
                    + " 'vanished-node', 9)")) {
      insert.setObject(1, id);
      insert.setString(
          2,
          "{\"model\":\"sim-small\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
              + prompt
              + "\"}]}");
      insert.executeUpdate();
    }
    return id;
  }
}
