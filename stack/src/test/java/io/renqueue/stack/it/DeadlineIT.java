package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tasks with a deadline or a time to live that pass it before starting end EXPIRED, unrun. */
class DeadlineIT {

  @BeforeEach
  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void aTaskWhoseTtlRunsOutWhileTheSlotsAreBusyExpiresAndNeverRuns() {
    simulator(SIM_A, "{\"first_token_ms\":4000}");
    String holder1 = submit(unique("slot holder"), "critical");
    String holder2 = submit(unique("slot holder"), "critical");
    awaitState(holder1, "RUNNING");
    awaitState(holder2, "RUNNING");

    String prompt = unique("short-lived");
    String body =
        Json.createObjectBuilder(json(chat(prompt, "batch"))).add("ttl", 1).build().toString();
    JsonObject accepted = post("/api/v1/tasks", body).json();
    assertThat(accepted.getString("expires_at")).isNotBlank();

    JsonObject expired = awaitState(accepted.getString("id"), "EXPIRED", "SUCCEEDED", "FAILED");

    assertThat(expired.getString("state")).isEqualTo("EXPIRED");
    assertThat(expired.getJsonObject("error").getString("code")).isEqualTo("expired");
    assertThat(expired.containsKey("started_at")).isFalse();
    awaitState(holder1, "SUCCEEDED");
    awaitState(holder2, "SUCCEEDED");
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isZero();
  }

  @Test
  void aTaskWhoseDeadlineHasPassedNeverStartsEvenWithFreeSlotsAndItsReplySaysExpired()
      throws Exception {
    String prompt = unique("too late");
    String body =
        Json.createObjectBuilder(json(chat(prompt, "critical")))
            .add("deadline", Instant.now().minusSeconds(60).toString())
            .build()
            .toString();
    try (JMSContext jms = jms().createContext()) {
      TemporaryQueue replies = jms.createTemporaryQueue();
      TextMessage request = jms.createTextMessage(body);
      request.setJMSReplyTo(replies);
      request.setJMSCorrelationID("late-1");
      jms.createProducer().send(jms.createQueue("renqueue.submit"), request);

      Message reply = jms.createConsumer(replies).receive(60_000);

      assertThat(reply).isNotNull();
      assertThat(reply.getJMSCorrelationID()).isEqualTo("late-1");
      JsonObject task = json(reply.getBody(String.class));
      assertThat(task.getString("state")).isEqualTo("EXPIRED");
      assertThat(task.getInt("attempts")).isZero();
    }
    assertThat(promptCount(SIM_A, prompt) + promptCount(SIM_B, prompt)).isZero();
  }
}
