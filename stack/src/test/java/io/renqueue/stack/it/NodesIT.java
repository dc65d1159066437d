package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The node registry: heartbeats, the control plane's judgement, isolation, draining, leases. */
class NodesIT {

  @AfterEach
  void healthyAndUndrained() {
    admin("PUT", "/api/v1/nodes/it-worker/draining", "{\"draining\":false}");
    healthySimulators();
  }

  @Test
  void everyServerReportsItselfAndTheControlPlaneSeesItUp() {
    JsonObject worker = node("it-worker");
    assertThat(worker.getString("state")).isEqualTo("UP");
    assertThat(worker.getJsonArray("roles").toString()).isEqualTo("[\"worker\"]");
    assertThat(worker.getInt("slots")).isEqualTo(2);
    assertThat(worker.getJsonArray("models").toString()).contains("sim-small");
    assertThat(worker.getJsonObject("gpu").getString("source")).isEqualTo("declared");
    assertThat(worker.getJsonObject("gpu").toString()).contains("sim-gpu").contains("24576");
    // Declared profile: what its loaded models take (sim-large, 16000 MiB) counts as used.
    assertThat(
            worker
                .getJsonObject("gpu")
                .getJsonArray("devices")
                .getJsonObject(0)
                .getInt("memory_used_mib"))
        .isEqualTo(16000);
    assertThat(worker.getString("health_url")).isEqualTo(WORKER + "/health/live");
    assertThat(worker.getBoolean("probe_ok")).isTrue();
    assertThat(worker.getJsonNumber("ms_since_heartbeat").longValue()).isLessThan(5000);
    assertThat(worker.getString("version")).isNotBlank();
    assertThat(node("it-api").getJsonArray("roles").toString()).isEqualTo("[\"scheduler\"]");
  }

  @Test
  void aNodeThatStopsReportingTurnsSuspectThenDeadAndItsTaskRunsElsewhereLongBeforeItsLease()
      throws Exception {
    String ghost = "ghost-" + UUID.randomUUID().toString().substring(0, 8);
    String prompt = unique("stranded on " + ghost);
    UUID id = UUID.randomUUID();
    try (var db = database();
        PreparedStatement node =
            db.prepareStatement(
                "INSERT INTO node (id, roles, started_at, last_heartbeat, health_url, slots)"
                    + " VALUES (?, 'worker', now(), now(), 'http://127.0.0.1:1/health/ready', 4)");
        PreparedStatement task =
            db.prepareStatement(
                "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json,"
                    + " created_at, started_at, lease_expires_at, attempts, node_id,"
                    + " dispatch_priority) VALUES (?, 'default', 'CHAT', 'sim-small', 'NORMAL',"
                    + " 'RUNNING', ?, now(), now(), now() + interval '10 minutes', 1, ?, 9)")) {
      node.setString(1, ghost);
      node.executeUpdate();
      task.setObject(1, id);
      task.setString(2, chat(prompt, "normal"));
      task.setString(3, ghost);
      task.executeUpdate();
    }
    Instant start = Instant.now();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> node(ghost).getString("state").equals("SUSPECT"));
    JsonObject done = awaitState(id.toString(), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getString("node")).isEqualTo("it-worker");
    assertThat(done.getInt("attempts")).isEqualTo(2);
    assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofMinutes(1));
    JsonObject dead = node(ghost);
    assertThat(dead.getString("state")).isEqualTo("DEAD");
    assertThat(dead.getString("state_reason")).contains("health probe fails");
    assertThat(dead.getBoolean("probe_ok")).isFalse();
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isEqualTo(1);
  }

  @Test
  void aDrainingNodeTakesNoNewWorkUntilItIsUndrained() throws Exception {
    Reply drained = admin("PUT", "/api/v1/nodes/it-worker/draining", "{\"draining\":true}");
    assertThat(drained.status()).as(drained.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> node("it-worker").getString("state").equals("DRAINING"));
    // The worker learns it from the answer to its next heartbeat.
    long beats = node("it-worker").getJsonNumber("heartbeats").longValue();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> node("it-worker").getJsonNumber("heartbeats").longValue() > beats);
    String id = submit(unique("while draining"), "normal");

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> task(id).getString("state").equals("QUEUED"));

    admin("PUT", "/api/v1/nodes/it-worker/draining", "{\"draining\":false}");
    JsonObject done = awaitState(id, "SUCCEEDED", "FAILED");
    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getInt("attempts")).isEqualTo(1);
  }

  @Test
  void drainingNeedsTheAdminTokenAndAKnownNode() {
    Reply anonymous =
        send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(API + "/api/v1/nodes/it-worker/draining"))
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"draining\":true}")));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(admin("PUT", "/api/v1/nodes/no-such-node/draining", "{\"draining\":true}").status())
        .isEqualTo(404);
    assertThat(admin("PUT", "/api/v1/nodes/it-worker/draining", "{\"draining\":\"yes\"}").status())
        .isEqualTo(400);
  }

  @Test
  void aTaskRunningLongerThanItsLeaseKeepsItWhileItsWorkerRenewsIt() {
    // Both backends too slow: about 9 s of timeouts and retries, against a 5 s lease.
    simulator(SIM_A, "{\"first_token_ms\":60000}");
    simulator(SIM_B, "{\"first_token_ms\":60000}");
    String id = submit(unique("longer than the lease"), "normal");
    JsonObject[] firstRun = new JsonObject[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !"RUNNING".equals((firstRun[0] = task(id)).getString("state")));
    Instant ended = Instant.now();
    // Timeouts may pass: the task waits for its second attempt (and is cancelled here).
    delete("/api/v1/tasks/" + id);

    JsonObject after = firstRun[0];
    assertThat(after.getString("state")).as(after.toString()).isEqualTo("QUEUED");
    assertThat(after.getString("waiting_reason")).startsWith("attempt 1 of 3 failed");
    assertThat(after.getInt("attempts")).as("never taken away and re-run").isEqualTo(1);
    assertThat(Duration.between(Instant.parse(after.getString("started_at")), ended))
        .isGreaterThan(Duration.ofSeconds(5));
  }

  private static JsonObject node(String id) {
    Reply r = get("/api/v1/nodes");
    assertThat(r.status()).isEqualTo(200);
    return r.json().getJsonArray("items").stream()
        .map(v -> (JsonObject) v)
        .filter(n -> n.getString("id").equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + id + " in " + r.body()));
  }
}
