package io.renqueue.stack.it;

import static io.renqueue.stack.it.TestStack.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plain JMS producers (outside Liberty) submitting to renqueue.submit. */
class JmsSubmissionIT {

  @BeforeEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void aTextMessageBecomesATaskAndTheFinalTaskIsSentToReplyToWithTheCorrelationId()
      throws Exception {
    String prompt = unique("over JMS");
    try (JMSContext jms = jms().createContext()) {
      TemporaryQueue replies = jms.createTemporaryQueue();
      TextMessage request = jms.createTextMessage(chat(prompt, "high"));
      request.setJMSReplyTo(replies);
      request.setJMSCorrelationID("order-42");
      jms.createProducer().send(jms.createQueue("renqueue.submit"), request);

      Message reply = jms.createConsumer(replies).receive(60_000);

      assertThat(reply).isNotNull();
      assertThat(reply.getJMSCorrelationID()).isEqualTo("order-42");
      JsonObject task = json(reply.getBody(String.class));
      assertThat(task.getString("state")).isEqualTo("SUCCEEDED");
      assertThat(task.getString("priority")).isEqualTo("high");
      assertThat(task.getJsonObject("result").getString("text"))
          .startsWith("[sim-small] " + prompt);
    }
  }

  @Test
  void withoutACorrelationIdTheReplyCorrelatesWithTheRequestMessageId() throws Exception {
    try (JMSContext jms = jms().createContext()) {
      TemporaryQueue replies = jms.createTemporaryQueue();
      TextMessage request = jms.createTextMessage(chat(unique("no correlation"), "normal"));
      request.setJMSReplyTo(replies);
      jms.createProducer().send(jms.createQueue("renqueue.submit"), request);

      Message reply = jms.createConsumer(replies).receive(60_000);

      assertThat(reply).isNotNull();
      assertThat(reply.getJMSCorrelationID()).isEqualTo(request.getJMSMessageID());
    }
  }

  @Test
  void malformedAndInvalidMessagesEndInTheDeadLetterQueueWithAReason() throws Exception {
    String malformedId = UUID.randomUUID().toString();
    String invalidId = UUID.randomUUID().toString();
    try (JMSContext jms = jms().createContext()) {
      var submit = jms.createQueue("renqueue.submit");
      TextMessage malformed = jms.createTextMessage("{this is not json");
      malformed.setJMSCorrelationID(malformedId);
      TextMessage invalid =
          jms.createTextMessage(
              "{\"model\":\"sim-small\",\"priority\":\"urgent\",\"messages\":[]}");
      invalid.setJMSCorrelationID(invalidId);
      jms.createProducer().send(submit, malformed).send(submit, invalid);

      assertDeadLettered(jms, malformedId, "malformed-json", "{this is not json");
      Message dead = assertDeadLettered(jms, invalidId, "invalid-request", null);
      assertThat(dead.getStringProperty("renqueue_rejection_detail"))
          .contains("priority", "messages");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rejectedCount(API) + rejectedCount(WORKER) >= 2);
  }

  @Test
  void nonTextMessagesAndOversizedHeadersAreDeadLetteredWithAReason() throws Exception {
    String mapId = UUID.randomUUID().toString();
    String longId = "x".repeat(500);
    try (JMSContext jms = jms().createContext()) {
      var submit = jms.createQueue("renqueue.submit");
      MapMessage map = jms.createMapMessage();
      map.setString("model", "sim-small");
      map.setJMSCorrelationID(mapId);
      jms.createProducer().send(submit, map);
      TextMessage oversized = jms.createTextMessage(chat(unique("long correlation"), "normal"));
      oversized.setJMSCorrelationID(longId);
      jms.createProducer().send(submit, oversized);

      Message dead = assertDeadLettered(jms, mapId, "not-a-text-message", null);
      assertThat(dead.getStringProperty("renqueue_original_message_type")).isEqualTo("MapMessage");
      Message tooLong = assertDeadLettered(jms, longId, "invalid-request", null);
      assertThat(tooLong.getStringProperty("renqueue_rejection_detail"))
          .contains("JMSCorrelationID");
    }
  }

  @Test
  void theTenantPropertyNamesTheTenantAndAnInvalidOneIsDeadLettered() throws Exception {
    String tenant = "jms-" + UUID.randomUUID().toString().substring(0, 8);
    String badId = UUID.randomUUID().toString();
    try (JMSContext jms = jms().createContext()) {
      var submit = jms.createQueue("renqueue.submit");
      TemporaryQueue replies = jms.createTemporaryQueue();
      TextMessage good = jms.createTextMessage(chat(unique("tenant over JMS"), "normal"));
      good.setStringProperty("renqueue_tenant", tenant);
      good.setJMSReplyTo(replies);
      TextMessage bad = jms.createTextMessage(chat(unique("bad tenant"), "normal"));
      bad.setStringProperty("renqueue_tenant", "Not A Tenant");
      bad.setJMSCorrelationID(badId);
      jms.createProducer().send(submit, good).send(submit, bad);

      Message reply = jms.createConsumer(replies).receive(60_000);
      assertThat(reply).isNotNull();
      assertThat(json(reply.getBody(String.class)).getString("tenant")).isEqualTo(tenant);
      Message dead = assertDeadLettered(jms, badId, "invalid-request", null);
      assertThat(dead.getStringProperty("renqueue_rejection_detail")).contains("renqueue_tenant");
    }
  }

  private static Message assertDeadLettered(
      JMSContext jms, String correlation, String reason, String body) throws Exception {
    try (JMSConsumer dlq =
        jms.createConsumer(
            jms.createQueue("renqueue.submit.dlq"), "JMSCorrelationID = '" + correlation + "'")) {
      Message dead = dlq.receive(30_000);
      assertThat(dead).as("dead letter for " + correlation).isNotNull();
      assertThat(dead.getStringProperty("renqueue_rejection_reason")).isEqualTo(reason);
      assertThat(dead.getStringProperty("renqueue_original_message_id")).isNotBlank();
      if (body != null) {
        assertThat(dead.getBody(String.class)).isEqualTo(body);
      }
      return dead;
    }
  }

  private static double rejectedCount(String server) {
    return get(server + "/metrics?scope=application")
        .body()
        .lines()
        .filter(l -> l.startsWith("renqueue_jms_submissions_rejected_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
