package io.renqueue.cluster;

import java.util.List;

/**
 * What a node says about itself in each heartbeat.
 *
 * @param roles {@code worker}, {@code scheduler} or both
 * @param healthUrl where the control plane probes it
 * @param slots task slots (0 on a server that runs no tasks)
 * @param busySlots slots running a task now
 * @param models the models it has loaded (served by its local backends)
 * @param gpu its GPU as measured or declared
 */
public record NodeReport(
    String id,
    List<String> roles,
    String healthUrl,
    String version,
    int slots,
    int busySlots,
    List<String> models,
    GpuStatus gpu) {

  public NodeReport {
    roles = List.copyOf(roles);
    models = List.copyOf(models);
  }
}
