package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Placement on the chaos cluster, where chaos-worker-1 has sim-large loaded and chaos-worker-2
 * sim-small (both can serve either): a model's tasks go to the worker that has it while that one
 * has free slots; once it is full, the idle worker takes the queued work.
 */
class PlacementIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void tasksGoWhereTheirModelIsLoadedAndAnIdleWorkerStealsWhenThatOneIsFull() throws Exception {
    simulator(SIM_A, "{\"first_token_ms\":4000}");
    simulator(SIM_B, "{\"first_token_ms\":4000}");
    List<String> first = List.of(submitLarge(), submitLarge());
    for (String id : first) {
      JsonObject t = awaitStarted(id);
      assertThat(t.getString("node"))
          .as("sim-large is loaded on worker 1")
          .isEqualTo(WORKERS.get(0));
    }

    List<String> more = new ArrayList<>(List.of(submitLarge(), submitLarge()));
    for (String id : more) {
      JsonObject t = awaitStarted(id);
      assertThat(t.getString("node"))
          .as("worker 1 is full: worker 2 takes it")
          .isEqualTo(WORKERS.get(1));
    }
    Instant firstDone =
        first.stream()
            .map(
                id -> Instant.parse(awaitEnded(id, Duration.ofMinutes(1)).getString("finished_at")))
            .min(Instant::compareTo)
            .orElseThrow();
    for (String id : more) {
      JsonObject t = awaitEnded(id, Duration.ofMinutes(1));
      assertThat(t.getString("state")).isEqualTo("SUCCEEDED");
      assertThat(Instant.parse(t.getString("started_at")))
          .as("stolen while worker 1 was busy, not after it freed up")
          .isBefore(firstDone);
    }
  }

  private static String submitLarge() {
    return submit("sim-large", unique("placement"));
  }

  private static JsonObject awaitStarted(String id) {
    JsonObject[] last = new JsonObject[1];
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> (last[0] = task(id)).containsKey("node") && !last[0].isNull("node"));
    return last[0];
  }
}
