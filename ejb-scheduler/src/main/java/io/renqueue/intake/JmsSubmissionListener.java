package io.renqueue.intake;

import io.renqueue.submission.InvalidDependenciesException;
import io.renqueue.submission.InvalidSubmissionException;
import io.renqueue.submission.Submission;
import io.renqueue.submission.SubmissionParser;
import io.renqueue.submission.TaskSubmissions;
import io.renqueue.tasks.ReplyAddress;
import io.renqueue.tasks.Tenants;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.util.Optional;

/**
 * Takes task submissions from JMS producers on {@code renqueue.submit}. The message is consumed in
 * the same XA transaction that stores the task (or dead-letters the message), so a submission is
 * accepted exactly once. Unexpected failures propagate: the broker redelivers.
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
public class JmsSubmissionListener implements MessageListener {

  private final SubmissionParser parser = new SubmissionParser();

  @EJB private TaskSubmissions submissions;
  @EJB private RejectedSubmissions rejected;

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
      String body = text.getText();
      Submission submission;
      try {
        submission = parser.parse(body);
      } catch (InvalidSubmissionException e) {
        rejected.reject(message, body, reason(e), SubmissionErrors.describe(e));
        return;
      }
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
      try {
        submissions.submit(tenant.get(), submission, replyAddress(message));
      } catch (InvalidDependenciesException e) {
        rejected.reject(
            message,
            body,
            "invalid-request",
            e.getMessage()
                + " "
                + e.errors().stream().map(f -> f.field() + ": " + f.message()).toList());
      }
    } catch (JMSException e) {
      throw new IllegalStateException("Could not read JMS submission: " + e.getMessage(), e);
    }
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
