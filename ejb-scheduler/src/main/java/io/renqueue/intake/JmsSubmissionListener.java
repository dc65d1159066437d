package io.renqueue.intake;

import io.renqueue.submission.InvalidSubmissionException;
import io.renqueue.submission.ItemResult;
import io.renqueue.submission.Origin;
import io.renqueue.submission.Submission;
import io.renqueue.submission.SubmissionParser;
import io.renqueue.submission.TaskAcceptance;
import io.renqueue.tasks.ReplyAddress;
import io.renqueue.tasks.Tenants;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Takes task submissions from JMS producers on {@code renqueue.submit}: one task per message, or a
 * JSON array of up to {@value TaskAcceptance#MAX_BATCH} in one. The tasks are stored (one local
 * commit for the message) before the message is acknowledged, and they record the message id: a
 * message the broker redelivers because its acknowledgement was lost finds the tasks it already
 * became, so each submission is accepted exactly once without a distributed transaction. What
 * cannot become a task is dead-lettered with the reason before the acknowledgement. Unexpected
 * failures propagate: the broker redelivers.
 */
@MessageDriven(
    name = "JmsSubmissionListener",
    activationConfig = {
      @ActivationConfigProperty(
          propertyName = "destinationLookup",
          propertyValue = "jms/renqueue/submit"),
      @ActivationConfigProperty(
          propertyName = "destinationType",
          propertyValue = "jakarta.jms.Queue")
    })
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class JmsSubmissionListener implements MessageListener {

  private final SubmissionParser parser = new SubmissionParser();

  @Inject TaskAcceptance acceptance;
  @Inject RejectedSubmissions rejected;

  /** The string property naming the tenant a JMS submission is for; absent: the default tenant. */
  public static final String TENANT_PROPERTY = "renqueue_tenant";

  @Override
  public void onMessage(Message message) {
    try {
      if (!(message instanceof TextMessage text)) {
        rejected.reject(
            message,
            null,
            "not-a-text-message",
            "Send the task as a JMS TextMessage holding JSON.");
        return;
      }
      String body = text.getText() == null ? "" : text.getText();
      String headerProblem = ReplyHeaders.problem(message);
      if (headerProblem != null) {
        rejected.reject(message, body, "invalid-request", headerProblem);
        return;
      }
      Optional<String> tenant = Tenants.resolve(message.getStringProperty(TENANT_PROPERTY));
      if (tenant.isEmpty()) {
        rejected.reject(
            message,
            body,
            "invalid-request",
            "The " + TENANT_PROPERTY + " property is not valid: " + Tenants.describeRule() + ".");
        return;
      }
      if (body.stripLeading().startsWith("[")) {
        batch(message, body, tenant.get());
        return;
      }
      Submission submission;
      try {
        submission = parser.parse(body);
      } catch (InvalidSubmissionException e) {
        rejected.reject(message, body, reason(e), SubmissionErrors.describe(e));
        return;
      }
      ItemResult r =
          acceptance.acceptAll(tenant.get(), List.of(submission), origin(message)).get(0);
      if (!r.isAccepted()) {
        rejected.reject(
            message,
            body,
            "invalid-request",
            "The task refers to tasks that do not exist. " + describe(r));
      }
    } catch (JMSException e) {
      throw new IllegalStateException("Could not read JMS submission: " + e.getMessage(), e);
    }
  }

  /**
   * Many tasks in one message: each validated on its own, the valid ones accepted together, the
   * others dead-lettered together, as one array, with the index and reason of each.
   */
  private void batch(Message message, String body, String tenant) throws JMSException {
    JsonArray items;
    try (var reader = Json.createReader(new StringReader(body))) {
      items = reader.readArray();
    } catch (JsonException e) {
      rejected.reject(
          message, body, "malformed-json", "The body is not valid JSON: " + e.getMessage());
      return;
    }
    if (items.isEmpty() || items.size() > TaskAcceptance.MAX_BATCH) {
      rejected.reject(
          message,
          body,
          "invalid-request",
          "A batch holds 1 to "
              + TaskAcceptance.MAX_BATCH
              + " tasks; this one has "
              + items.size());
      return;
    }
    List<Submission> valid = new ArrayList<>();
    List<Integer> validIndex = new ArrayList<>();
    JsonArrayBuilder refused = Json.createArrayBuilder();
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonValue item = items.get(i);
      try {
        valid.add(parser.parse(item.toString()));
        validIndex.add(i);
      } catch (InvalidSubmissionException e) {
        refused.add(item);
        reasons.add("[" + i + "] " + reason(e) + ": " + SubmissionErrors.describe(e));
      }
    }
    if (!valid.isEmpty()) {
      List<ItemResult> results = acceptance.acceptAll(tenant, valid, origin(message));
      for (ItemResult r : results) {
        if (!r.isAccepted()) {
          int original = validIndex.get(r.index());
          refused.add(items.get(original));
          reasons.add("[" + original + "] invalid-request: " + describe(r));
        }
      }
    }
    if (!reasons.isEmpty()) {
      rejected.reject(
          message, refused.build().toString(), "invalid-items", String.join("; ", reasons));
    }
  }

  private static String describe(ItemResult r) {
    return r.problems().stream()
        .map(f -> f.field() + ": " + f.message())
        .collect(Collectors.joining("; "));
  }

  private static Origin origin(Message m) throws JMSException {
    return Origin.jms(replyAddress(m), m.getJMSMessageID());
  }

  private static String reason(InvalidSubmissionException e) {
    return switch (e.kind()) {
      case MALFORMED_JSON -> "malformed-json";
      case INVALID_FIELDS -> "invalid-request";
      case TOO_LARGE -> "too-large";
    };
  }

  private static ReplyAddress replyAddress(Message m) throws JMSException {
    if (m.getJMSReplyTo() == null) {
      return null;
    }
    String correlation =
        m.getJMSCorrelationID() != null ? m.getJMSCorrelationID() : m.getJMSMessageID();
    if (m.getJMSReplyTo() instanceof Topic t) {
      return new ReplyAddress(ReplyAddress.Kind.TOPIC, t.getTopicName(), correlation);
    }
    return new ReplyAddress(
        ReplyAddress.Kind.QUEUE, ((Queue) m.getJMSReplyTo()).getQueueName(), correlation);
  }
}
