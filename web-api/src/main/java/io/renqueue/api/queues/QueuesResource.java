package io.renqueue.api.queues;

import io.renqueue.api.tenancy.TenantHeader;
import io.renqueue.scheduling.QueueSummary;
import io.renqueue.scheduling.QueueView;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The live queue at a glance: what waits and runs per level, and for how long. */
@Path("/queues")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Queues")
public class QueuesResource {

  @EJB QueueView queues;

  @GET
  @Operation(
      summary = "Waiting and running tasks per priority level",
      description =
          "Counts from the database (the whole cluster): queued, running, how many waiting tasks"
              + " aging has promoted, and the oldest waiting task's age.")
  @APIResponse(responseCode = "200", description = "One entry per level, most urgent first")
  public String summary(
      @Parameter(description = "The tenant whose queue to show; default: default")
          @HeaderParam(TenantHeader.NAME)
          String tenantHeader) {
    String tenant = TenantHeader.resolve(tenantHeader);
    QueueSummary summary = queues.summary(tenant);
    JsonArrayBuilder levels = Json.createArrayBuilder();
    long queued = 0;
    long running = 0;
    for (QueueSummary.Level l : summary.levels()) {
      JsonObjectBuilder level =
          Json.createObjectBuilder()
              .add("priority", l.priority().wireName())
              .add("queued", l.queued())
              .add("running", l.running())
              .add("aged", l.aged())
              .add("oldest_wait_seconds", l.oldestWait().toMillis() / 1000.0);
      if (l.oldestQueuedAt() != null) {
        level.add("oldest_queued_at", l.oldestQueuedAt().toString());
      }
      levels.add(level);
      queued += l.queued();
      running += l.running();
    }
    return Json.createObjectBuilder()
        .add("tenant", tenant)
        .add("levels", levels)
        .add("queued", queued)
        .add("running", running)
        .build()
        .toString();
  }
}
