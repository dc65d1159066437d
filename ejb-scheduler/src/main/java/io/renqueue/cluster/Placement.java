package io.renqueue.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which models a worker leaves to others, so that tasks go where their model is loaded, or can be:
 *
 * <ul>
 *   <li>models loaded on another worker that has a free slot, unless this worker has them loaded
 *       too;
 *   <li>models with a known GPU memory need ({@link ModelFootprints}) that this worker has no room
 *       to load while another worker with a free slot has.
 * </ul>
 *
 * A task for such a model waits for that worker (its token is passed on); once that worker reports
 * itself full, any worker that can serve the model takes it — an idle node steals queued work
 * within one heartbeat. The wildcard {@code *} ("any model") expresses no preference, and a worker
 * whose GPU memory is unknown is not judged by it.
 */
public final class Placement {

  private Placement() {}

  /**
   * Another worker with a free slot: the models it has loaded and the most GPU memory free on one
   * of its GPUs (MiB, -1 unknown).
   */
  public record Worker(Set<String> models, long freeGpuMib) {
    public Worker {
      models = Set.copyOf(models);
    }
  }

  /**
   * @param others workers with a free slot, not this one
   * @param mine models loaded here
   * @param myFreeGpuMib the most GPU memory free on one of this worker's GPUs; -1 unknown
   */
  public static List<String> leaveToOthers(
      Collection<Worker> others, Set<String> mine, long myFreeGpuMib, ModelFootprints needs) {
    if (mine.contains("*")) {
      return List.of();
    }
    Set<String> leave = new TreeSet<>();
    for (Worker w : others) {
      w.models().stream().filter(m -> !m.equals("*") && !mine.contains(m)).forEach(leave::add);
    }
    if (myFreeGpuMib >= 0) {
      needs
          .mib()
          .forEach(
              (model, need) -> {
                if (!mine.contains(model)
                    && myFreeGpuMib < need
                    && others.stream().anyMatch(w -> w.freeGpuMib() >= need)) {
                  leave.add(model);
                }
              });
    }
    return List.copyOf(leave);
  }
}
