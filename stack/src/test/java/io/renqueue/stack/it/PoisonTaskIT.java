package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Message;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A poison task (every backend fails it, every time) uses its attempts, ends FAILED, and its token
 * goes to the dispatch dead-letter queue with the reason; work around it is served as usual.
 */
class PoisonTaskIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void aPoisonTaskFailsAfterItsAttemptsLandsInTheDeadLetterQueueAndOtherWorkIsUnaffected()
      throws Exception {
    String poison = unique("POISON pill");
    simulator(SIM_A, "{\"fail_prompts_containing\":\"POISON\",\"error_status\":500}");
    simulator(SIM_B, "{\"fail_prompts_containing\":\"POISON\",\"error_status\":500}");

    String id = submit(poison, "normal");
    List<String> others = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      others.add(submit(unique("healthy neighbour " + i), "normal"));
    }

    JsonObject failed = awaitState(id, "FAILED", "SUCCEEDED");
    assertThat(failed.getString("state")).isEqualTo("FAILED");
    assertThat(failed.getInt("attempts")).isEqualTo(3);
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("backends_failed");
    assertThat(failed.getJsonObject("error").getString("message"))
        .contains("HTTP 500", "attempt 3 of 3");
    // Three attempts, each trying both backends three times.
    assertThat(
            simulatorStats(SIM_A).getInt("poison_failures")
                + simulatorStats(SIM_B).getInt("poison_failures"))
        .isEqualTo(18);
    for (String other : others) {
      assertThat(awaitState(other, "SUCCEEDED", "FAILED").getString("state"))
          .isEqualTo("SUCCEEDED");
    }

    List<Message> dead = deadLettersOf(id);
    assertThat(dead).as("the poison task's token in the dead-letter queue, once").hasSize(1);
    assertThat(dead.get(0).getBody(String.class)).isEqualTo(id);
    assertThat(dead.get(0).getStringProperty("renqueue_dead_letter_reason"))
        .isEqualTo("backends_failed");
    assertThat(dead.get(0).getStringProperty("renqueue_dead_letter_detail"))
        .contains("attempt 3 of 3");
    assertThat(dead.get(0).getIntProperty("renqueue_attempts")).isEqualTo(3);
  }

  @Test
  void aRequestEveryBackendRefusesFailsAtOnceWithoutFurtherAttempts() {
    simulator(SIM_A, "{\"error_rate\":1.0,\"error_status\":400}");
    simulator(SIM_B, "{\"error_rate\":1.0,\"error_status\":400}");

    JsonObject done =
        awaitState(submit(unique("refused everywhere"), "normal"), "FAILED", "SUCCEEDED");

    assertThat(done.getString("state")).isEqualTo("FAILED");
    assertThat(done.getInt("attempts")).as("a refusal does not pass with time").isEqualTo(1);
  }
}
