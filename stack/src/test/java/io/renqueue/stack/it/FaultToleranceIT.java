package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backend failures on the real worker path: retries for transient errors only, the fallback
 * backend, and a FAILED task that names every backend tried. The test topology allows 2 retries per
 * backend and a 1.5 s timeout per attempt.
 */
class FaultToleranceIT {

  @BeforeEach
  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void serverErrorsAreRetriedThenTheFallbackBackendAnswers() {
    simulator(SIM_A, "{\"error_rate\":1.0,\"error_status\":500}");
    String prompt = unique("primary is broken");

    JsonObject done = awaitState(submit(prompt, "normal"), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getString("backend")).isEqualTo("sim-b");
    assertThat(simulatorStats(SIM_A).getInt("errors_injected")).isEqualTo(3);
    assertThat(promptCount(SIM_B, prompt)).isEqualTo(1);
  }

  @Test
  void clientErrorsAreNotRetried() {
    simulator(SIM_A, "{\"error_rate\":1.0,\"error_status\":400}");
    String prompt = unique("primary rejects");

    JsonObject done = awaitState(submit(prompt, "normal"), "SUCCEEDED", "FAILED");

    assertThat(done.getString("backend")).isEqualTo("sim-b");
    assertThat(simulatorStats(SIM_A).getInt("errors_injected")).isEqualTo(1);
  }

  @Test
  void aHungBackendTimesOutAndTheFallbackAnswers() {
    simulator(SIM_A, "{\"hang\":true}");
    String prompt = unique("primary hangs");

    JsonObject done = awaitState(submit(prompt, "normal"), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(done.getString("backend")).isEqualTo("sim-b");
    assertThat(simulatorStats(SIM_A).getInt("hung")).isEqualTo(3);
  }

  @Test
  void whenEveryBackendFailsOnEveryAttemptTheTaskFailsNamingEachBackendAndWhy() {
    simulator(SIM_A, "{\"error_rate\":1.0,\"error_status\":503}");
    simulator(SIM_B, "{\"error_rate\":1.0,\"error_status\":502}");

    JsonObject done = awaitState(submit(unique("all down"), "high"), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("FAILED");
    JsonObject error = done.getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("backends_failed");
    assertThat(error.getString("message"))
        .contains("sim-a: HTTP 503", "sim-b: HTTP 502", "attempt 3 of 3");
    assertThat(done.containsKey("result")).isFalse();
    // 5xx may pass: three attempts of the task, each trying both backends three times.
    assertThat(done.getInt("attempts")).isEqualTo(3);
    assertThat(simulatorStats(SIM_A).getInt("errors_injected")).isEqualTo(9);
    assertThat(simulatorStats(SIM_B).getInt("errors_injected")).isEqualTo(9);
  }
}
