package io.renqueue.scheduling;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What is waiting and running, per level: counts, how many waiting tasks aging has promoted, and
 * how long the oldest has waited.
 */
public record QueueSummary(List<Level> levels) {

  /** One level; {@code oldestQueuedAt} is null when nothing of this level waits. */
  public record Level(
      Priority priority,
      long queued,
      long running,
      long aged,
      Instant oldestQueuedAt,
      Duration oldestWait) {}

  /** One group of live tasks as the database counts them. */
  public record Group(
      Priority priority,
      TaskState state,
      int dispatchPriority,
      long count,
      Instant oldestCreatedAt) {}

  public static QueueSummary of(List<Group> groups, Instant now) {
    Map<Priority, long[]> counts = new EnumMap<>(Priority.class);
    Map<Priority, Instant> oldest = new EnumMap<>(Priority.class);
    for (Group g : groups) {
      long[] c = counts.computeIfAbsent(g.priority(), p -> new long[3]);
      if (g.state() == TaskState.QUEUED) {
        c[0] += g.count();
        if (g.dispatchPriority() > g.priority().jmsPriority()) {
          c[2] += g.count();
        }
        oldest.merge(g.priority(), g.oldestCreatedAt(), (a, b) -> a.isBefore(b) ? a : b);
      } else if (g.state() == TaskState.RUNNING) {
        c[1] += g.count();
      }
    }
    List<Level> levels = new ArrayList<>();
    for (Priority p : Priority.values()) {
      long[] c = counts.getOrDefault(p, new long[3]);
      Instant o = oldest.get(p);
      levels.add(
          new Level(p, c[0], c[1], c[2], o, o == null ? Duration.ZERO : Duration.between(o, now)));
    }
    return new QueueSummary(List.copyOf(levels));
  }
}
