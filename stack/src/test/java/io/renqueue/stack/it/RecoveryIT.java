package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A dispatch token may arrive twice or never; the database decides what runs. */
class RecoveryIT {

  @BeforeEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void redeliveredDispatchTokensDoNotRunATaskTwice() throws Exception {
    String prompt = unique("exactly once");
    String id = submit(prompt, "normal");
    awaitState(id, "SUCCEEDED");

    try (JMSContext jms = jms().createContext()) {
      var dispatch = jms.createQueue("renqueue.dispatch");
      for (int i = 0; i < 3; i++) {
        jms.createProducer().setPriority(9).send(dispatch, id);
      }
      try (QueueBrowser browser = jms.createBrowser(dispatch)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> !browser.getEnumeration().hasMoreElements());
      }
    }
    // One more task through the same slots proves the duplicates have been consumed.
    awaitState(submit(unique("after duplicates"), "batch"), "SUCCEEDED");

    JsonObject task = task(id);
    assertThat(task.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(task.getInt("attempts")).isEqualTo(1);
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isEqualTo(1);
  }

  @Test
  void aTokenThatArrivesBeforeItsTaskExistsIsHarmlessAndTheTaskStillRuns() throws Exception {
    // A stray token (a producer's mistake, a task deleted meanwhile) claims nothing; the task
    // that shows up later gets its own token from the sweep.
    String prompt = unique("token first");
    UUID id = UUID.randomUUID();
    try (JMSContext jms = jms().createContext()) {
      jms.createProducer().setPriority(9).send(jms.createQueue("renqueue.dispatch"), id.toString());
    }
    // Let the worker see the token at least once while the row does not exist yet.
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    insert(id, "QUEUED", chat(prompt, "normal"), "NULL", 0, "now()");

    JsonObject done = awaitState(id.toString(), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isEqualTo(1);
  }

  @Test
  void aRunningTaskWhoseWorkerVanishedIsQueuedAgainAndRunsOnce() throws Exception {
    String prompt = unique("orphaned");
    UUID id = UUID.randomUUID();
    try (Connection db = database();
        PreparedStatement insert =
            db.prepareStatement(
                "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json, created_at,"
                    + " started_at, lease_expires_at, attempts, node_id, dispatch_priority)"
                    + " VALUES (?, 'default', 'CHAT', 'sim-small', 'HIGH', 'RUNNING', ?, now(), now(),"
                    + " now() - interval '1 second', 1, 'vanished-node', 7)")) {
      insert.setObject(1, id);
      insert.setString(2, chat(prompt, "high"));
      insert.executeUpdate();
    }

    JsonObject done = awaitState(id.toString(), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getInt("attempts")).isEqualTo(2);
    assertThat(done.getString("node")).isEqualTo("it-worker");
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isEqualTo(1);
  }

  @Test
  void aTaskWhoseWorkerVanishedOnItsLastAttemptFailsAndIsDeadLetteredInsteadOfRunningForever()
      throws Exception {
    UUID id = UUID.randomUUID();
    insert(
        id,
        "RUNNING",
        chat(unique("poison"), "normal"),
        "now() - interval '1 second'",
        3,
        "dispatched_at");

    JsonObject done = awaitState(id.toString(), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("FAILED");
    assertThat(done.getJsonObject("error").getString("code")).isEqualTo("lease_expired");
    assertThat(done.getJsonObject("error").getString("message")).contains("vanished-node");
    List<Message> dead = deadLettersOf(id.toString());
    assertThat(dead).as("its token in the dead-letter queue, once").hasSize(1);
    assertThat(dead.get(0).getStringProperty("renqueue_dead_letter_reason"))
        .isEqualTo("lease_expired");
  }

  @Test
  void aTaskCommittedByAServerThatDiedBeforeSendingItsTokenRunsWithinOneSweepInterval()
      throws Exception {
    String prompt = unique("crash after commit");
    UUID id = UUID.randomUUID();
    // What a server that crashed between its commit and its token send leaves behind: the row,
    // QUEUED, dispatched_at NULL, and nothing on the broker.
    try (Connection db = database();
        PreparedStatement insert =
            db.prepareStatement(
                "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json,"
                    + " created_at, dispatch_priority) VALUES (?, 'default', 'CHAT', 'sim-small',"
                    + " 'NORMAL', 'QUEUED', ?, now(), 4)")) {
      insert.setObject(1, id);
      insert.setString(2, chat(prompt, "normal"));
      insert.executeUpdate();
    }

    JsonObject done = awaitState(id.toString(), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isEqualTo(1);
    double waitedSeconds = queuedSeconds(id);
    System.out.printf("Undispatched task waited %.2f s before its claim%n", waitedSeconds);
    // The stack sweeps every second and leaves a fresh row 1 s for its own server's relay; the
    // rest is the sweep's own run and the token's way to a slot.
    assertThat(waitedSeconds).isLessThan(1 + 1 + 1.5);
  }

  private static double queuedSeconds(UUID id) throws Exception {
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement(
                "SELECT extract(epoch FROM started_at - created_at) FROM task WHERE id = ?")) {
      q.setObject(1, id);
      var rs = q.executeQuery();
      rs.next();
      return rs.getDouble(1);
    }
  }

  @Test
  void aQueuedTaskWhoseTokenWasLostIsDispatchedAgain() throws Exception {
    String prompt = unique("token lost");
    UUID id = UUID.randomUUID();
    // Queued an hour ago and no token on the broker: as if it had been dead-lettered or purged.
    insert(id, "QUEUED", chat(prompt, "normal"), "NULL", 0, "now() - interval '1 hour'");

    JsonObject done = awaitState(id.toString(), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getInt("attempts")).isEqualTo(1);
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isEqualTo(1);
  }

  private static void insert(
      UUID id, String state, String request, String leaseSql, int attempts, String dispatchedSql)
      throws Exception {
    boolean running = state.equals("RUNNING");
    try (Connection db = database();
        PreparedStatement insert =
            db.prepareStatement(
                // dispatch_priority 9: already at the aging ceiling, so only the path under test
                // (lease expiry, lost-token redispatch) can send it a token.
                "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json, created_at,"
                    + " started_at, lease_expires_at, attempts, node_id, dispatch_priority, dispatched_at)"
                    + " VALUES (?, 'default', 'CHAT', 'sim-small', 'NORMAL', ?, ?, now() - interval '1 hour', "
                    + (running ? "now()" : "NULL")
                    + ", "
                    + leaseSql
                    + ", ?, "
                    + (running ? "'vanished-node'" : "NULL")
                    + ", 9, "
                    + (dispatchedSql.equals("dispatched_at") ? "NULL" : dispatchedSql)
                    + ")")) {
      insert.setObject(1, id);
      insert.setString(2, state);
      insert.setString(3, request);
      insert.setInt(4, attempts);
      insert.executeUpdate();
    }
  }
}
