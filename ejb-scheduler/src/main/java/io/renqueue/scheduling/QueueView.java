package io.renqueue.scheduling;

import io.renqueue.tasks.Priority;
import io.renqueue.tasks.TaskState;
import io.renqueue.tasks.TaskStore;
import io.renqueue.tasks.Timestamps;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import java.time.Instant;
import java.util.List;

/** Reads the live queue of a tenant from the database, the source of truth. */
@Stateless
public class QueueView {

  @EJB private TaskStore store;

  public QueueSummary summary(String tenant) {
    List<QueueSummary.Group> groups =
        store.liveGroups(tenant).stream()
            .map(
                r ->
                    new QueueSummary.Group(
                        Priority.valueOf((String) r[0]),
                        TaskState.valueOf((String) r[1]),
                        ((Number) r[2]).intValue(),
                        ((Number) r[3]).longValue(),
                        Timestamps.toInstant(r[4])))
            .toList();
    return QueueSummary.of(groups, Instant.now());
  }
}
