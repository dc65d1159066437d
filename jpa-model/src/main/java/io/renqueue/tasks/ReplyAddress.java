package io.renqueue.tasks;

/**
 * Where a JMS producer wants the finished task sent: a queue or topic name plus the correlation id
 * to put on the reply. Stored on the task as {@code queue:NAME} / {@code topic:NAME}.
 */
public record ReplyAddress(Kind kind, String name, String correlationId) {

  public enum Kind {
    QUEUE,
    TOPIC
  }

  public String encoded() {
    return (kind == Kind.QUEUE ? "queue:" : "topic:") + name;
  }

  /** Reads an address stored by {@link #encoded()}; null for null. */
  public static ReplyAddress decode(String encoded, String correlationId) {
    if (encoded == null) {
      return null;
    }
    if (encoded.startsWith("topic:")) {
      return new ReplyAddress(Kind.TOPIC, encoded.substring(6), correlationId);
    }
    if (encoded.startsWith("queue:")) {
      return new ReplyAddress(Kind.QUEUE, encoded.substring(6), correlationId);
    }
    throw new IllegalArgumentException("Not a reply address: " + encoded);
  }
}
