package io.renqueue.execution;

import io.renqueue.tasks.TaskLeases;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * When a worker starts, it runs no task yet; tasks the database still shows RUNNING on this node
 * died with its previous life. Ending their leases lets the next recovery sweep requeue them in
 * seconds instead of after a full lease. Node ids must therefore be unique in a cluster.
 */
@Singleton
@Startup
@DependsOn("ejb-scheduler.jar#SchemaMigrations")
public class WorkerRestart {

  private static final Logger LOG = Logger.getLogger(WorkerRestart.class.getName());

  @Inject TaskLeases leases;

  @Inject
  @ConfigProperty(name = "renqueue.node.id", defaultValue = "worker")
  String nodeId;

  @Inject
  @ConfigProperty(name = "worker.enabled", defaultValue = "true")
  boolean workerEnabled;

  @PostConstruct
  void releaseTasksOfPreviousLife() {
    if (!workerEnabled) {
      return;
    }
    int released = leases.expireLeasesOf(nodeId);
    if (released > 0) {
      LOG.warning(
          () ->
              "Node "
                  + nodeId
                  + " restarted while running "
                  + released
                  + " task(s); they will be queued again");
    }
  }
}
