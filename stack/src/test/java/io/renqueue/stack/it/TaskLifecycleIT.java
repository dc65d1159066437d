package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Submit, read, list and cancel over REST against the running stack. */
class TaskLifecycleIT {

  @BeforeEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void aChatTaskSubmittedOverRestSucceedsWithTheSimulatorsAnswer() {
    String prompt = unique("Hello");
    Reply accepted = post("/api/v1/tasks", chat(prompt, "high"));

    assertThat(accepted.status()).isEqualTo(202);
    JsonObject queued = accepted.json();
    assertThat(queued.getString("state")).isEqualTo("QUEUED");
    assertThat(queued.getString("priority")).isEqualTo("high");

    JsonObject done = awaitState(queued.getString("id"), "SUCCEEDED", "FAILED");
    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getJsonObject("result").getString("text")).startsWith("[sim-small] " + prompt);
    assertThat(done.getString("backend")).isEqualTo("sim-a");
    assertThat(done.getString("node")).isEqualTo("it-worker");
    assertThat(done.getInt("attempts")).isEqualTo(1);
    assertThat(done.getJsonObject("usage").getInt("completion_tokens")).isPositive();
    assertThat(done.getString("finished_at")).isNotBlank();
    assertThat(promptCount(SIM_A, prompt)).isEqualTo(1);
  }

  @Test
  void listingPagesThroughTasksNewestFirstWithACursor() {
    for (int i = 0; i < 3; i++) {
      submit(unique("page"), "low");
    }
    JsonObject first = get("/api/v1/tasks?limit=2&priority=low").json();
    assertThat(first.getJsonArray("items")).hasSize(2);
    String cursor = first.getString("next_cursor");
    JsonObject second = get("/api/v1/tasks?limit=2&priority=low&cursor=" + cursor).json();

    Set<String> ids = new HashSet<>();
    first.getJsonArray("items").forEach(t -> ids.add(t.asJsonObject().getString("id")));
    second
        .getJsonArray("items")
        .forEach(t -> assertThat(ids.add(t.asJsonObject().getString("id"))).isTrue());
    String newest = first.getJsonArray("items").getJsonObject(0).getString("created_at");
    String older = first.getJsonArray("items").getJsonObject(1).getString("created_at");
    assertThat(newest.compareTo(older)).isGreaterThanOrEqualTo(0);
  }

  @Test
  void aQueuedTaskCanBeCancelledAndThenNeverRuns() {
    // Occupy both worker slots so the next task has to wait in the queue.
    simulator(SIM_A, "{\"first_token_ms\":4000}");
    String blocker1 = submit(unique("blocker"), "critical");
    String blocker2 = submit(unique("blocker"), "critical");
    awaitState(blocker1, "RUNNING");
    awaitState(blocker2, "RUNNING");
    simulator(SIM_A, "{\"first_token_ms\":20}");

    String prompt = unique("never runs");
    String id = submit(prompt, "batch");
    Reply cancelled = delete("/api/v1/tasks/" + id);

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("state")).isEqualTo("CANCELLED");
    Reply again = delete("/api/v1/tasks/" + id);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).startsWith("application/problem+json");
    assertThat(again.json().getString("type"))
        .isEqualTo("urn:renqueue:problem:task-not-cancellable");

    awaitState(blocker1, "SUCCEEDED");
    awaitState(blocker2, "SUCCEEDED");
    String after = submit(unique("after"), "batch");
    awaitState(after, "SUCCEEDED");
    assertThat(task(id).getString("state")).isEqualTo("CANCELLED");
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isZero();
  }

  @Test
  void aFinishedTaskCannotBeCancelled() {
    String id = submit(unique("done"), "normal");
    awaitState(id, "SUCCEEDED");

    Reply r = delete("/api/v1/tasks/" + id);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("detail")).contains("SUCCEEDED");
    await()
        .during(Duration.ofMillis(300))
        .until(() -> task(id).getString("state").equals("SUCCEEDED"));
  }
}
