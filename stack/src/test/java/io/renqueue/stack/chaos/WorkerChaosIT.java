package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workers dying or freezing mid-inference. Every accepted task ends in exactly one terminal state,
 * none is lost, none has two results, and the simulators answered each in full exactly once.
 */
class WorkerChaosIT {

  @AfterEach
  void clusterWhole() throws Exception {
    healthySimulators();
    for (String w : WORKERS) {
      try {
        signal(w, "CONT");
      } catch (Throwable e) {
        // not stopped, or not running
      }
      ensureRunning(w);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"chaos-worker-1", "chaos-worker-2"})
  void killMinus9OfAWorkerMidInferenceItsTasksRunElsewhereWithinOneAndAHalfLeases(String victim)
      throws Exception {
    simulator(SIM_A, "{\"first_token_ms\":3000}");
    simulator(SIM_B, "{\"first_token_ms\":3000}");
    List<String> prompts = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String prompt = unique("chaos kill " + i);
      prompts.add(prompt);
      ids.add(submit(prompt));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> !runningOn(victim).isEmpty());
    List<String> stranded = runningOn(victim);

    killHard(victim);
    Instant killed = Instant.now();

    for (int i = 0; i < ids.size(); i++) {
      JsonObject t = awaitEnded(ids.get(i), Duration.ofMinutes(2));
      assertThat(t.getString("state")).as(t.toString()).isEqualTo("SUCCEEDED");
      assertThat(completions(prompts.get(i))).as("answered in full once: " + t).isEqualTo(1);
      if (stranded.contains(ids.get(i))) {
        assertThat(t.getString("node")).isNotEqualTo(victim);
        assertThat(t.getInt("attempts")).isEqualTo(2);
        Duration movedAfter = Duration.between(killed, Instant.parse(t.getString("started_at")));
        assertThat(movedAfter)
            .as("started elsewhere within 1.5 × the lease")
            .isLessThanOrEqualTo(LEASE.multipliedBy(3).dividedBy(2));
      }
    }
  }

  @Test
  void aWorkerFrozenPastItsLeaseCannotStoreItsLateResult() throws Exception {
    String frozen = WORKERS.get(0);
    String other = WORKERS.get(1);
    // The frozen worker's call must still be waiting for its answer when it wakes, so the
    // answer only ever completes once: on the worker that took the task over.
    simulator(SIM_A, "{\"first_token_ms\":15000}");
    simulator(SIM_B, "{\"first_token_ms\":15000}");
    drain(other, true);
    String prompt = unique("chaos freeze");
    String id = submit(prompt);
    await().atMost(Duration.ofSeconds(20)).until(() -> runningOn(frozen).contains(id));
    drain(other, false);

    signal(frozen, "STOP");
    Instant stopped = Instant.now();
    await().atMost(Duration.ofSeconds(30)).until(() -> runningOn(other).contains(id));
    Duration movedAfter = Duration.between(stopped, Instant.now());
    Thread.sleep(2000); // frozen a little past the takeover, then woken
    signal(frozen, "CONT");

    JsonObject done = awaitEnded(id, Duration.ofMinutes(2));
    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getString("node")).isEqualTo(other);
    assertThat(done.getInt("attempts")).isEqualTo(2);
    assertThat(movedAfter).isLessThanOrEqualTo(LEASE.multipliedBy(3).dividedBy(2));
    // The woken worker tries (and fails) to store its result meanwhile: nothing changes.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              JsonObject after = task(id);
              return after.getString("node").equals(other)
                  && after.getInt("attempts") == 2
                  && completions(prompt) == 1;
            });
  }

  @Test
  void sigtermOnAWorkerPastItsDrainTimeoutHandsItsTaskBackAndLeavesNothingRunning()
      throws Exception {
    String victim = WORKERS.get(0);
    String other = WORKERS.get(1);
    // Slower than the backend timeout (30 s): the task is still in its chain of attempts when
    // Liberty's 30 s quiesce (the drain timeout) ends.
    simulator(SIM_A, "{\"first_token_ms\":40000}");
    simulator(SIM_B, "{\"first_token_ms\":40000}");
    drain(other, true);
    String prompt = unique("chaos sigterm");
    String id = submit(prompt);
    await().atMost(Duration.ofSeconds(20)).until(() -> runningOn(victim).contains(id));
    drain(other, false);
    long pid = pid(victim);

    signal(victim, "TERM");
    Instant terminated = Instant.now();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .alias("handed back by the stopping worker")
        .until(() -> !runningOn(victim).contains(id));
    Duration handedBackAfter = Duration.between(terminated, Instant.now());
    healthySimulators();
    await()
        .atMost(Duration.ofSeconds(60))
        .alias("the worker's process ends")
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));

    // Handed back when the 30 s quiesce ended, not found later with an expired lease.
    assertThat(handedBackAfter)
        .as("kept through the 30 s drain timeout, then handed back")
        .isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30).plus(LEASE));
    assertThat(runningOn(victim)).as("nothing left RUNNING on the stopped worker").isEmpty();
    JsonObject done = awaitEnded(id, Duration.ofMinutes(2));
    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getString("node")).isEqualTo(other);
    assertThat(done.getInt("deferrals", 0)).as("handed back (a deferral), not lost").isEqualTo(1);
    assertThat(completions(prompt)).as("answered in full once").isEqualTo(1);
  }

  private static long heartbeats(String node) {
    return json(send(HttpRequest.newBuilder(URI.create(api() + "/api/v1/nodes")).GET()).body())
        .getJsonArray("items")
        .stream()
        .map(v -> (JsonObject) v)
        .filter(n -> n.getString("id").equals(node))
        .findFirst()
        .orElseThrow()
        .getJsonNumber("heartbeats")
        .longValue();
  }

  private static void drain(String node, boolean draining) throws Exception {
    var r =
        send(
            HttpRequest.newBuilder(URI.create(api() + "/api/v1/nodes/" + node + "/draining"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + adminToken())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"draining\":" + draining + "}")));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    // The node learns it from the answer to its next heartbeat.
    long beats = heartbeats(node);
    await().atMost(Duration.ofSeconds(5)).until(() -> heartbeats(node) > beats);
  }
}
