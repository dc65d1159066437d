package io.renqueue.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which models a worker leaves to others: those loaded on another worker that has a free slot,
 * unless this worker has them loaded too. A task for such a model waits for that worker (its token
 * is passed on); once that worker reports itself full, any worker that can serve the model takes it
 * — an idle node steals queued work within one heartbeat. The wildcard {@code *} ("any model")
 * expresses no preference.
 */
public final class Placement {

  private Placement() {}

  public static List<String> leaveToOthers(Collection<String> loadedElsewhere, Set<String> mine) {
    return loadedElsewhere.stream()
        .filter(m -> !m.equals("*") && !mine.contains(m) && !mine.contains("*"))
        .distinct()
        .sorted()
        .toList();
  }
}
