package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping a worker the way an operator or orchestrator does ({@code server stop}; SIGTERM does the
 * same): Liberty quiesces — the worker takes no new token and running tasks finish, their leases
 * still renewed — then the node leaves the registry with nothing RUNNING. The worker is started
 * again afterwards for the tests that follow.
 */
class GracefulShutdownIT {

  @AfterEach
  void workerRunningAndHealthy() throws Exception {
    healthySimulators();
    startWorkerIfStopped();
  }

  @Test
  void aStoppingWorkerFinishesItsRunningTasksOnceAndLeavesNothingRunning() throws Exception {
    // sim-slow: sim-a never answers it (3 attempts time out), sim-b does after 1 s: about 6 s in
    // all, longer than the 5 s lease, so the task only runs once if the lease is renewed while
    // the server quiesces.
    simulator(SIM_A, "{\"model_first_token_ms\":{\"sim-slow\":60000}}");
    simulator(SIM_B, "{\"model_first_token_ms\":{\"sim-slow\":1000}}");
    String slow =
        post("/api/v1/tasks", chat("sim-slow", unique("finishes while stopping"), "normal"))
            .json()
            .getString("id");
    awaitState(slow, "RUNNING");

    server("stop");

    JsonObject done = task(slow);
    assertThat(done.getString("state")).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.getString("backend")).isEqualTo("sim-b");
    assertThat(done.getInt("attempts")).as("never taken away and re-run").isEqualTo(1);
    assertThat(runningOn("it-worker")).isZero();
    JsonObject node =
        get("/api/v1/nodes").json().getJsonArray("items").stream()
            .map(v -> (JsonObject) v)
            .filter(n -> n.getString("id").equals("it-worker"))
            .findFirst()
            .orElseThrow();
    assertThat(node.getString("state")).isEqualTo("DEAD");
    assertThat(node.getString("state_reason")).isEqualTo("stopped");

    // Nothing new starts on a stopped worker; the next one to start takes the work.
    String queued = submit(unique("after the stop"), "normal");
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> task(queued).getString("state").equals("QUEUED"));
    startWorkerIfStopped();
    assertThat(awaitState(queued, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
  }

  private static long runningOn(String node) throws Exception {
    try (var db = database();
        var q =
            db.prepareStatement(
                "SELECT count(*) FROM task WHERE state = 'RUNNING' AND node_id = ?")) {
      q.setString(1, node);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void startWorkerIfStopped() throws Exception {
    if (!ready()) {
      server("start");
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(GracefulShutdownIT::ready);
    }
  }

  private static boolean ready() {
    try {
      return HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(WORKER + "/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /** Liberty's own script, as the launcher runs it; "stop" returns once the server has stopped. */
  private static void server(String action) throws Exception {
    Path wlp = Path.of(System.getProperty("renqueue.stack.wlp"));
    ProcessBuilder pb =
        new ProcessBuilder(List.of(wlp.resolve("bin/server").toString(), action, "it-worker"))
            .directory(wlp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    new File(wlp.resolve("usr/servers/it-worker-" + action + ".log").toString())));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    int exit = pb.start().waitFor();
    assertThat(exit).as("server " + action + " it-worker").isIn(0, 1);
  }
}
