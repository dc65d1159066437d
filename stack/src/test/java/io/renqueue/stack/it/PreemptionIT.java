package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A critical task that finds every slot busy with batch work takes a slot after the preemption
 * threshold (2 s in the test topology): one batch task is taken off its slot, queued again without
 * counting as a failure, and later succeeds exactly once.
 */
class PreemptionIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  private static String submitSlowBatch() {
    String body =
        Json.createObjectBuilder(json(chat(unique("long batch"), "batch")))
            .add("model", "sim-slow")
            .build()
            .toString();
    Reply r = post("/api/v1/tasks", body);
    assertThat(r.status()).isEqualTo(202);
    return r.json().getString("id");
  }

  @Test
  void aStarvingCriticalTaskPreemptsBatchWorkWhichLaterSucceedsOnce() {
    healthySimulators();
    String slow = "{\"model_first_token_ms\":{\"sim-slow\":60000}}";
    simulator(SIM_A, slow);
    simulator(SIM_B, slow);
    String batch1 = submitSlowBatch();
    String batch2 = submitSlowBatch();
    awaitState(batch1, "RUNNING");
    awaitState(batch2, "RUNNING");

    String critical = submit(unique("urgent"), "critical");
    JsonObject urgent = awaitState(critical, "SUCCEEDED", "FAILED");
    healthySimulators();

    assertThat(urgent.getString("state")).isEqualTo("SUCCEEDED");
    Duration waited =
        Duration.between(
            Instant.parse(urgent.getString("created_at")),
            Instant.parse(urgent.getString("started_at")));
    // Without preemption the slots would stay busy for the batch tasks' whole retry chain (~9 s).
    assertThat(waited).as("preemption threshold (2 s) + 1 s").isLessThan(Duration.ofSeconds(3));
    int preempted = 0;
    for (String id : List.of(batch1, batch2)) {
      JsonObject t = awaitState(id, "SUCCEEDED", "FAILED");
      assertThat(t.getString("state")).as(t.toString()).isEqualTo("SUCCEEDED");
      preempted += t.getInt("preemptions");
      assertThat(t.getInt("attempts")).isEqualTo(t.getInt("preemptions") + 1);
    }
    assertThat(preempted).isEqualTo(1);
    assertThat(get(WORKER + "/metrics").body()).contains("renqueue_tasks_preempted_total{");
  }
}
