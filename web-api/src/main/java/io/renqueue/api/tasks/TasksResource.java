package io.renqueue.api.tasks;

import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.api.tenancy.TenantHeader;
import io.renqueue.submission.InvalidSubmissionException;
import io.renqueue.submission.SubmissionParser;
import io.renqueue.submission.SubmitResult;
import io.renqueue.submission.TaskSubmissions;
import io.renqueue.tasks.CancelOutcome;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskJson;
import io.renqueue.tasks.TaskOutcomes;
import io.renqueue.tasks.TaskPage;
import io.renqueue.tasks.TaskState;
import io.renqueue.tasks.TaskStore;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Tasks over REST: submit, read, list, cancel. Validates and delegates; no policy here. */
@Path("/tasks")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Tasks")
public class TasksResource {

  static final String TENANT_DOC =
      "The tenant to act for (lower-case letters, digits, '.', '_', '-'); default: default";

  private final SubmissionParser parser = new SubmissionParser();

  @EJB TaskSubmissions submissions;
  @EJB TaskStore store;
  @EJB TaskOutcomes outcomes;
  @Context UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Submit a task",
      description =
          "Stores the task and queues it by priority. The same idempotency_key returns the existing"
              + " task with 200 instead of creating another.")
  @RequestBody(content = @Content(schema = @Schema(ref = "TaskRequest")))
  @APIResponse(
      responseCode = "202",
      description = "Accepted and queued",
      content = @Content(schema = @Schema(ref = "Task")))
  @APIResponse(
      responseCode = "200",
      description = "An existing task with this idempotency key",
      content = @Content(schema = @Schema(ref = "Task")))
  @APIResponse(
      responseCode = "400",
      description = "Malformed JSON or invalid fields",
      content = @Content(mediaType = ProblemType.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
  @APIResponse(
      responseCode = "413",
      description = "Body over 1 MiB",
      content = @Content(mediaType = ProblemType.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
  public Response submit(
      @Parameter(description = TENANT_DOC) @HeaderParam(TenantHeader.NAME) String tenantHeader,
      @HeaderParam("Content-Length") Long contentLength,
      InputStream body)
      throws InvalidSubmissionException {
    String tenant = TenantHeader.resolve(tenantHeader);
    var submission =
        parser.parse(BoundedBody.read(body, contentLength, SubmissionParser.MAX_BODY_BYTES));
    SubmitResult result = submissions.submit(tenant, submission, null);
    URI location =
        uri.getBaseUriBuilder().path("tasks").path(result.task().getId().toString()).build();
    return Response.status(result.created() ? Response.Status.ACCEPTED : Response.Status.OK)
        .location(location)
        .entity(TaskJson.render(result.task()).toString())
        .build();
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "Read a task")
  @APIResponse(
      responseCode = "200",
      description = "The task",
      content = @Content(schema = @Schema(ref = "Task")))
  @APIResponse(
      responseCode = "404",
      description = "No such task",
      content = @Content(mediaType = ProblemType.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
  public String get(
      @Parameter(description = TENANT_DOC) @HeaderParam(TenantHeader.NAME) String tenantHeader,
      @PathParam("id") String id) {
    Task task = existing(id, TenantHeader.resolve(tenantHeader));
    if (task.getState() != TaskState.QUEUED || task.isBlocked()) {
      return TaskJson.render(task).toString();
    }
    return Json.createObjectBuilder(TaskJson.render(task))
        .add("tasks_ahead", store.tasksAhead(task))
        .build()
        .toString();
  }

  @GET
  @Operation(
      summary = "List tasks, newest first",
      description =
          "Items omit the request and the result text; read a task for those. Pass next_cursor"
              + " back as cursor for the next page.")
  @APIResponse(
      responseCode = "200",
      description = "One page of tasks",
      content = @Content(schema = @Schema(ref = "TaskList")))
  @APIResponse(
      responseCode = "400",
      description = "Invalid query parameters",
      content = @Content(mediaType = ProblemType.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
  public String list(
      @Parameter(description = TENANT_DOC) @HeaderParam(TenantHeader.NAME) String tenantHeader,
      @Parameter(description = "QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED or EXPIRED")
          @QueryParam("state")
          String state,
      @Parameter(description = "critical, high, normal, low or batch") @QueryParam("priority")
          String priority,
      @Parameter(description = "1 to 500, default 50") @QueryParam("limit") String limit,
      @Parameter(description = "next_cursor of the previous page") @QueryParam("cursor")
          String cursor) {
    TaskPage page =
        store.list(
            ListingQuery.parse(TenantHeader.resolve(tenantHeader), state, priority, limit, cursor));
    JsonArrayBuilder items = Json.createArrayBuilder();
    page.tasks().forEach(t -> items.add(TaskJson.summary(t)));
    JsonObjectBuilder b = Json.createObjectBuilder().add("items", items);
    if (page.nextCursor() != null) {
      b.add("next_cursor", page.nextCursor());
    }
    return b.build().toString();
  }

  @DELETE
  @Path("/{id}")
  @Operation(summary = "Cancel a queued task")
  @APIResponse(
      responseCode = "200",
      description = "Cancelled",
      content = @Content(schema = @Schema(ref = "Task")))
  @APIResponse(
      responseCode = "404",
      description = "No such task",
      content = @Content(mediaType = ProblemType.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
  @APIResponse(
      responseCode = "409",
      description = "Already running or finished",
      content = @Content(mediaType = ProblemType.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
  public String cancel(
      @Parameter(description = TENANT_DOC) @HeaderParam(TenantHeader.NAME) String tenantHeader,
      @PathParam("id") String id) {
    CancelOutcome outcome = outcomes.cancel(parseId(id), TenantHeader.resolve(tenantHeader));
    return switch (outcome.result()) {
      case CANCELLED -> TaskJson.render(outcome.task()).toString();
      case NOT_FOUND -> throw notFound(id);
      case NOT_CANCELLABLE ->
          throw new ProblemException(
              ProblemType.TASK_NOT_CANCELLABLE,
              "Task "
                  + id
                  + " is "
                  + outcome.task().getState()
                  + "; only QUEUED tasks can be cancelled.");
    };
  }

  private Task existing(String id, String tenant) {
    return store.find(parseId(id), tenant).orElseThrow(() -> notFound(id));
  }

  private static UUID parseId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw notFound(id);
    }
  }

  private static ProblemException notFound(String id) {
    return new ProblemException(ProblemType.NOT_FOUND, "There is no task with id '" + id + "'.");
  }
}
