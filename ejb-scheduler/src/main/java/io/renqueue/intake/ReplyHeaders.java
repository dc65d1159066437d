package io.renqueue.intake;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.Topic;

/** Checks the reply headers of a JMS submission fit what a task can store. */
final class ReplyHeaders {

  /** Column sizes of task.reply_to and task.correlation_id. */
  static final int MAX_REPLY_TO = 390;

  static final int MAX_CORRELATION_ID = 400;

  private ReplyHeaders() {}

  /** What is wrong with the headers, or null when they are fine. */
  static String problem(Message m) throws JMSException {
    String correlation = m.getJMSCorrelationID();
    if (correlation != null && correlation.length() > MAX_CORRELATION_ID) {
      return "JMSCorrelationID: must be at most " + MAX_CORRELATION_ID + " characters";
    }
    String replyTo =
        m.getJMSReplyTo() instanceof Topic t
            ? t.getTopicName()
            : m.getJMSReplyTo() instanceof Queue q ? q.getQueueName() : null;
    if (replyTo != null && replyTo.length() > MAX_REPLY_TO) {
      return "JMSReplyTo: the destination name must be at most " + MAX_REPLY_TO + " characters";
    }
    return null;
  }
}
