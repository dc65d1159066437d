package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The router on the real worker path. Test topology: sim-a local and free, sim-b paid ($1 / $2 per
 * million input / output tokens), both serving sim-small; sim-c a free cloud quota that alone
 * serves sim-limited, one request at a time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutingIT {

  @BeforeEach
  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  @Order(1)
  void theTaskShowsItsRoutingTraceFreeBackendsFirstAndWhyOthersWereLeftOut() {
    JsonObject done = awaitState(submit(unique("route me"), "normal"), "SUCCEEDED", "FAILED");

    assertThat(done.getString("backend")).isEqualTo("sim-a");
    JsonObject trace = done.getJsonObject("routing_trace");
    assertThat(trace.getString("policy")).isEqualTo("cost");
    JsonArray candidates = trace.getJsonArray("candidates");
    assertThat(candidates.getJsonObject(0).getString("backend")).isEqualTo("sim-a");
    assertThat(candidates.getJsonObject(1).getString("backend")).isEqualTo("sim-b");
    assertThat(candidates.getJsonObject(1).getJsonNumber("estimated_cost_usd").doubleValue())
        .isPositive();
    assertThat(trace.getJsonArray("rejected").toString())
        .contains("sim-c", "does not serve model sim-small");
    assertThat(done.getJsonObject("usage").getJsonNumber("cost_usd").doubleValue()).isZero();
  }

  @Test
  @Order(2)
  void whenTheFreeBackendRefusesThePaidOneAnswersAndTheTaskCostsItsTokens() {
    simulator(SIM_A, "{\"error_rate\":1.0,\"error_status\":400}");
    JsonObject done = awaitState(submit(unique("pay for me"), "normal"), "SUCCEEDED", "FAILED");

    assertThat(done.getString("backend")).isEqualTo("sim-b");
    JsonObject usage = done.getJsonObject("usage");
    double expected =
        (usage.getInt("prompt_tokens") * 1.0 + usage.getInt("completion_tokens") * 2.0) / 1e6;
    assertThat(usage.getJsonNumber("cost_usd").doubleValue()).isCloseTo(expected, within(1e-12));
  }

  @Test
  @Order(3)
  void usageShowsTokensAndCostPerBackendAndWhatTheFreeBackendsSaved() {
    Reply r = get("/api/v1/usage");
    assertThat(r.status()).isEqualTo(200);
    JsonObject usage = r.json();
    assertThat(usage.getJsonObject("totals").getInt("tasks")).isPositive();
    JsonObject paid =
        usage.getJsonArray("by_backend").getValuesAs(JsonObject.class).stream()
            .filter(l -> l.getString("backend").equals("sim-b"))
            .findFirst()
            .orElseThrow();
    assertThat(paid.getJsonNumber("cost_usd").doubleValue()).isPositive();
    JsonObject savings = usage.getJsonObject("savings");
    assertThat(savings.getString("reference_backend")).isEqualTo("sim-b");
    assertThat(savings.getJsonNumber("saved_usd").doubleValue())
        .as("tasks served by the free sim-a would have cost money on sim-b")
        .isPositive();
    assertThat(get("/api/v1/usage?from=yesterday").status()).isEqualTo(400);
  }

  @Test
  @Order(4)
  void aLocalOnlyTaskNeverReachesACloudBackend() {
    simulator(SIM_A, "{\"error_rate\":1.0,\"error_status\":503}");
    String body =
        jakarta.json.Json.createObjectBuilder(json(chat(unique("stay home"), "normal")))
            .add("routing", jakarta.json.Json.createObjectBuilder().add("policy", "local-only"))
            .build()
            .toString();
    Reply r = post("/api/v1/tasks", body);
    assertThat(r.status()).isEqualTo(202);
    JsonObject done = awaitState(r.json().getString("id"), "SUCCEEDED", "FAILED");

    assertThat(done.getString("state")).isEqualTo("FAILED");
    assertThat(done.getJsonObject("error").getString("message"))
        .contains("sim-a")
        .doesNotContain("sim-b");
    assertThat(done.getJsonObject("routing_trace").getJsonArray("rejected").toString())
        .contains("policy local-only");
  }

  @Test
  @Order(5)
  void aConcurrencyLimitHoldsAcrossSlotsAndTheOverflowWaitsInsteadOfFailing() {
    simulator(SIM_C, "{\"first_token_ms\":700}");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(submitModel("sim-limited", unique("one at a time " + i)));
    }
    int deferred = 0;
    for (String id : ids) {
      JsonObject done = awaitState(id, "SUCCEEDED", "FAILED");
      assertThat(done.getString("state")).as(done.toString()).isEqualTo("SUCCEEDED");
      deferred += done.getInt("deferrals", 0);
    }
    assertThat(simulatorStats(SIM_C).getInt("peak_in_flight")).isEqualTo(1);
    assertThat(deferred).as("the worker's second slot had to wait at least once").isPositive();
  }

  @Test
  @Order(6)
  void aSplitSendsNewTasksToItsVariantAndARollbackToWeightZeroStopsThatAtOnce() throws Exception {
    Reply set = put("/api/v1/splits/sim-small", "{\"weights\":{\"sim-a\":0,\"sim-b\":100}}");
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    try {
      Thread.sleep(1100); // every server reads splits at most a second old
      for (int i = 0; i < 5; i++) {
        JsonObject done = awaitState(submit(unique("canary " + i), "normal"), "SUCCEEDED");
        assertThat(done.getString("backend")).isEqualTo("sim-b");
        assertThat(done.getJsonObject("routing_trace").getString("split_variant"))
            .isEqualTo("sim-b");
      }
      assertThat(
              put("/api/v1/splits/sim-small", "{\"weights\":{\"sim-a\":100,\"sim-b\":0}}").status())
          .isEqualTo(200);
      Thread.sleep(1100);
      for (int i = 0; i < 5; i++) {
        JsonObject done = awaitState(submit(unique("rolled back " + i), "normal"), "SUCCEEDED");
        assertThat(done.getString("backend")).isEqualTo("sim-a");
      }
      assertThat(put("/api/v1/splits/sim-small", "{\"weights\":{\"sim-c\":1}}").status())
          .as("sim-c does not serve sim-small")
          .isEqualTo(400);
    } finally {
      admin("DELETE", "/api/v1/splits/sim-small", null);
    }
  }

  private static Reply put(String path, String json) {
    return admin("PUT", path, json);
  }

  /**
   * The backend's own rate headers say its budget is used up: no server sends it another request
   * until the reset, and the next task waits visibly. Last: the cooldown lasts until sim-c's window
   * resets, about a minute.
   */
  @Test
  @Order(99)
  void anExhaustedBudgetCoolsTheBackendDownAndTheNextTaskWaitsVisiblyInsteadOfFailing() {
    simulator(SIM_C, "{\"requests_per_minute\":1}");
    JsonObject first =
        awaitState(submitModel("sim-limited", unique("uses the quota")), "SUCCEEDED", "FAILED");
    assertThat(first.getString("state")).isEqualTo("SUCCEEDED");

    String second = submitModel("sim-limited", unique("over the quota"));
    JsonObject waiting =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> task(second), t -> t.containsKey("waiting_reason"));
    assertThat(waiting.getString("state")).isEqualTo("QUEUED");
    assertThat(waiting.getString("waiting_reason")).contains("sim-c", "cooling down");
    assertThat(Instant.parse(waiting.getString("not_before")))
        .isAfter(Instant.now().plusSeconds(30));

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
    assertThat(simulatorStats(SIM_C).getInt("chat_completions"))
        .as("nobody calls a backend whose budget is used up")
        .isEqualTo(1);
    assertThat(simulatorStats(SIM_C).getInt("rate_limited")).isZero();
    assertThat(delete("/api/v1/tasks/" + second).status()).isEqualTo(200);
  }

  private static String submitModel(String model, String prompt) {
    Reply r = post("/api/v1/tasks", chat(model, prompt, "normal"));
    if (r.status() != 202) {
      throw new AssertionError("submit answered " + r.status() + ": " + r.body());
    }
    return r.json().getString("id");
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
