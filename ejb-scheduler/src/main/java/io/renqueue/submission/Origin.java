package io.renqueue.submission;

import io.renqueue.tasks.ReplyAddress;

/**
 * Where submissions come from, beyond their bodies: a JMS producer's reply address and message id
 * (a redelivered message finds the task it already became), or a client waiting on its connection.
 */
public record Origin(ReplyAddress replyTo, ClientWait caller, String sourceMessageId) {

  public static final Origin REST = new Origin(null, null, null);

  public static Origin waiting(ClientWait caller) {
    return new Origin(null, caller, null);
  }

  public static Origin jms(ReplyAddress replyTo, String messageId) {
    return new Origin(replyTo, null, messageId);
  }

  /** The source id of item {@code index} of a message holding several tasks. */
  String sourceIdOf(int index, int items) {
    if (sourceMessageId == null) {
      return null;
    }
    return items == 1 ? sourceMessageId : sourceMessageId + "#" + index;
  }
}
