package io.renqueue.tasks;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How urgent a task is. Each level maps to a JMS priority on the single dispatch queue; the broker
 * hands the highest JMS priority to the next free worker slot.
 */
public enum Priority {
  CRITICAL(9),
  HIGH(7),
  NORMAL(4),
  LOW(2),
  BATCH(0);

  private final int jmsPriority;

  Priority(int jmsPriority) {
    this.jmsPriority = jmsPriority;
  }

  public int jmsPriority() {
    return jmsPriority;
  }

  /** The more urgent of the two levels. */
  public Priority atLeast(Priority other) {
    return other != null && other.jmsPriority > jmsPriority ? other : this;
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses a level as clients write it (case-insensitive); null when unknown. */
  public static Priority fromWire(String value) {
    for (Priority p : values()) {
      if (p.name().equalsIgnoreCase(value)) {
        return p;
      }
    }
    return null;
  }

  public static String allowedValues() {
    return Arrays.stream(values()).map(Priority::wireName).collect(Collectors.joining(", "));
  }
}
