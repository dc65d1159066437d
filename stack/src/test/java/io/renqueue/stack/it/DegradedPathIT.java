package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The degraded path of the test topology: sim-huge (served by sim-c alone) is answered by sim-small
 * when sim-c fails, and only then.
 */
class DegradedPathIT {

  @BeforeEach
  @AfterEach
  void healthyAndNotCoolingDown() throws Exception {
    healthySimulators();
    // Another test may have left sim-c cooling down for a minute (its rate budget used up).
    coolDown("sim-c", 0);
  }

  @Test
  void whenEveryBackendOfTheModelFailsTheSmallerModelAnswersAndTheTaskSaysSo() {
    simulator(SIM_C, "{\"error_rate\":1.0,\"error_status\":503}");
    String id =
        post("/api/v1/tasks", chat("sim-huge", unique("degrade me"), "normal"))
            .json()
            .getString("id");

    JsonObject done = awaitState(id, "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.getString("degraded_to")).isEqualTo("sim-small");
    assertThat(done.getString("backend")).isIn("sim-a", "sim-b");
    assertThat(done.getJsonObject("result").getString("text")).startsWith("[sim-small]");
    JsonObject trace = done.getJsonObject("routing_trace");
    assertThat(trace.getString("degraded_to")).isEqualTo("sim-small");
    assertThat(trace.getJsonArray("candidates").getJsonObject(0).getString("backend"))
        .isEqualTo("sim-c");
  }

  @Test
  void aBackendOfTheModelThatIsOnlyCoolingDownIsWaitedForInsteadOfDegrading() throws Exception {
    coolDown("sim-c", 2);
    String id =
        post("/api/v1/tasks", chat("sim-huge", unique("wait for me"), "normal"))
            .json()
            .getString("id");

    JsonObject done = awaitState(id, "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getString("backend")).isEqualTo("sim-c");
    assertThat(done.getInt("deferrals")).isPositive();
    assertThat(done.containsKey("degraded_to")).isFalse();
  }

  /** Puts a backend in a cooldown every server honours (0 seconds: ends one). */
  private static void coolDown(String backend, int seconds) throws Exception {
    try (var db = database();
        var s =
            db.prepareStatement(
                "INSERT INTO backend_budget (backend, cooldown_until, cooldown_reason)"
                    + " VALUES (?, now() + make_interval(secs => ?), 'test')"
                    + " ON CONFLICT (backend) DO UPDATE SET cooldown_until = EXCLUDED.cooldown_until,"
                    + " cooldown_reason = EXCLUDED.cooldown_reason")) {
      s.setString(1, backend);
      s.setInt(2, seconds);
      s.executeUpdate();
    }
  }

  @Test
  void aHealthyBackendOfTheModelAnswersItselfWithoutDegrading() {
    String id =
        post("/api/v1/tasks", chat("sim-huge", unique("full size"), "normal"))
            .json()
            .getString("id");

    JsonObject done = awaitState(id, "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getString("backend")).isEqualTo("sim-c");
    assertThat(done.containsKey("degraded_to")).isFalse();
    assertThat(done.getJsonObject("result").getString("text")).startsWith("[sim-huge]");
  }
}
