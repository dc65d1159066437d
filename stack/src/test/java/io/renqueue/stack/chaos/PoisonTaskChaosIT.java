package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A poison task (every backend fails it, every time) among ordinary work on two workers: it ends
 * FAILED after renqueue.max-attempts (3) attempts, its token lands once in the dispatch dead-letter
 * queue with the reason, and every other task SUCCEEDS exactly once.
 */
class PoisonTaskChaosIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void aPoisonTaskEndsFailedAfterItsAttemptsInTheDeadLetterQueueAndOtherWorkIsUnaffected()
      throws Exception {
    for (String sim : java.util.List.of(SIM_A, SIM_B)) {
      simulator(sim, "{\"first_token_ms\":300,\"fail_prompts_containing\":\"POISON\"}");
    }
    String poison = submit(unique("POISON pill"));
    Map<String, String> others = new LinkedHashMap<>();
    for (int i = 0; i < 30; i++) {
      String prompt = unique("beside the poison " + i);
      others.put(submit(i % 2 == 0 ? "sim-small" : "sim-large", prompt), prompt);
    }

    JsonObject failed = awaitEnded(poison, Duration.ofMinutes(2));
    assertThat(failed.getString("state")).isEqualTo("FAILED");
    assertThat(failed.getInt("attempts")).isEqualTo(3);
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("backends_failed");
    for (Map.Entry<String, String> t : others.entrySet()) {
      JsonObject done = awaitEnded(t.getKey(), Duration.ofMinutes(2));
      assertThat(done.getString("state")).as(done.toString()).isEqualTo("SUCCEEDED");
      assertThat(completions(t.getValue())).as("answered in full once").isEqualTo(1);
    }

    ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:61646");
    cf.setUser("renqueue");
    cf.setPassword("renqueue");
    try (cf;
        JMSContext jms = cf.createContext();
        JMSConsumer dlq =
            jms.createConsumer(
                jms.createQueue("renqueue.dispatch.dlq"), "renqueue_task_id = '" + poison + "'")) {
      Message dead = dlq.receive(30_000);
      assertThat(dead).as("the poison task's token in the dead-letter queue").isNotNull();
      assertThat(dead.getStringProperty("renqueue_dead_letter_reason"))
          .isEqualTo("backends_failed");
      assertThat(dead.getIntProperty("renqueue_attempts")).isEqualTo(3);
      assertThat(dlq.receive(500)).as("exactly one dead letter for it").isNull();
    }
  }
}
