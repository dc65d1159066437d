package io.renqueue.tasks;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a task is in its life. The graph is the single source of truth for which writes are legal:
 * every state change in the database is guarded by {@link #sourcesOf(TaskState)}, so a terminal
 * task never changes again and two concurrent writers cannot both win.
 */
public enum TaskState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  EXPIRED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == EXPIRED;
  }

  /**
   * The states this one may move to. RUNNING → QUEUED is a requeue after a lost worker; QUEUED →
   * FAILED is a task whose dependency did not succeed.
   */
  public Set<TaskState> next() {
    return switch (this) {
      case QUEUED -> EnumSet.of(RUNNING, CANCELLED, EXPIRED, FAILED);
      case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, QUEUED);
      case SUCCEEDED, FAILED, CANCELLED, EXPIRED -> EnumSet.noneOf(TaskState.class);
    };
  }

  public boolean canMoveTo(TaskState target) {
    return next().contains(target);
  }

  /** Every state from which {@code target} may be reached in one step. */
  public static Set<TaskState> sourcesOf(TaskState target) {
    Set<TaskState> sources = EnumSet.noneOf(TaskState.class);
    for (TaskState s : values()) {
      if (s.canMoveTo(target)) {
        sources.add(s);
      }
    }
    return sources;
  }

  public String wireName() {
    return name();
  }

  /** Parses a state as clients write it (case-insensitive); null when unknown. */
  public static TaskState fromWire(String value) {
    for (TaskState s : values()) {
      if (s.name().equalsIgnoreCase(value)) {
        return s;
      }
    }
    return null;
  }
}
