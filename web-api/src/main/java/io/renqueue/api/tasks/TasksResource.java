package io.renqueue.api.tasks;

import io.renqueue.api.problems.InvalidSubmissionMapper;
import io.renqueue.api.problems.Problem;
import io.renqueue.api.problems.ProblemException;
import io.renqueue.api.problems.ProblemType;
import io.renqueue.api.tenancy.TenantHeader;
import io.renqueue.dispatch.OutboxRelay;
import io.renqueue.submission.InvalidSubmissionException;
import io.renqueue.submission.ItemResult;
import io.renqueue.submission.Origin;
import io.renqueue.submission.Submission;
import io.renqueue.submission.SubmissionParser;
import io.renqueue.submission.SubmitResult;
import io.renqueue.submission.TaskAcceptance;
import io.renqueue.tasks.CancelOutcome;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskJson;
import io.renqueue.tasks.TaskOutcomes;
import io.renqueue.tasks.TaskPage;
import io.renqueue.tasks.TaskState;
import io.renqueue.tasks.TaskStore;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
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
import java.util.ArrayList;
import java.util.List;
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

  /** A batch of {@link TaskAcceptance#MAX_BATCH} tasks of a few KiB each fits. */
  static final int MAX_BATCH_BODY_BYTES = 16 * 1024 * 1024;

  @Inject TaskAcceptance acceptance;
  @Inject OutboxRelay relay;
  @EJB TaskStore store;
  @Inject TaskOutcomes outcomes;
  @Context UriInfo uri;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Submit a task, or many",
      description =
          "A JSON object is one task: stored and queued by priority; the same idempotency_key"
              + " returns the existing task with 200 instead of creating another. A JSON array of"
              + " 1 to "
              + TaskAcceptance.MAX_BATCH
              + " tasks is a batch: every valid item is stored in one statement and one commit,"
              + " each item validated on its own; the answer (200) holds a result per item, in"
              + " order: its status (202 created, 200 found by its idempotency key, 400 refused),"
              + " and the task or the problem. A refused item writes nothing and does not stop"
              + " the others.")
  @RequestBody(content = @Content(schema = @Schema(ref = "TaskRequest")))
  @APIResponse(
      responseCode = "202",
      description = "Accepted and queued",
      content = @Content(schema = @Schema(ref = "Task")))
  @APIResponse(
      responseCode = "200",
      description =
          "An existing task with this idempotency key, or the per-item results of a batch",
      content = @Content(schema = @Schema(ref = "Task")))
  @APIResponse(
      responseCode = "400",
      description = "Malformed JSON or invalid fields",
      content = @Content(mediaType = ProblemType.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
  @APIResponse(
      responseCode = "413",
      description = "A task over 1 MiB, a batch over 16 MiB or over " + TaskAcceptance.MAX_BATCH,
      content = @Content(mediaType = ProblemType.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
  public Response submit(
      @Parameter(description = TENANT_DOC) @HeaderParam(TenantHeader.NAME) String tenantHeader,
      @HeaderParam("Content-Length") Long contentLength,
      InputStream body)
      throws InvalidSubmissionException {
    String tenant = TenantHeader.resolve(tenantHeader);
    String text = BoundedBody.read(body, contentLength, MAX_BATCH_BODY_BYTES);
    if (BatchBody.isArray(text)) {
      return Response.ok(batch(tenant, BatchBody.items(text)).toString()).build();
    }
    Submission submission = parser.parse(text);
    SubmitResult result = acceptance.accept(tenant, submission, Origin.REST);
    URI location =
        uri.getBaseUriBuilder().path("tasks").path(result.task().getId().toString()).build();
    return Response.status(result.created() ? Response.Status.ACCEPTED : Response.Status.OK)
        .location(location)
        .entity(rendered(result).toString())
        .build();
  }

  private JsonObject batch(String tenant, JsonArray items) {
    if (items.isEmpty()) {
      throw new ProblemException(
          ProblemType.INVALID_REQUEST, "A batch holds at least one task; this array is empty.");
    }
    if (items.size() > TaskAcceptance.MAX_BATCH) {
      throw new ProblemException(
          ProblemType.PAYLOAD_TOO_LARGE,
          "A batch holds at most "
              + TaskAcceptance.MAX_BATCH
              + " tasks; this one has "
              + items.size()
              + ". Split it.");
    }
    JsonObject[] answers = new JsonObject[items.size()];
    List<Submission> valid = new ArrayList<>();
    List<Integer> validIndex = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      try {
        if (!(items.get(i) instanceof JsonObject item)) {
          throw new InvalidSubmissionException(
              InvalidSubmissionException.Kind.MALFORMED_JSON,
              "Item " + i + " is not a JSON object.",
              List.of());
        }
        valid.add(parser.parse(item));
        validIndex.add(i);
      } catch (InvalidSubmissionException e) {
        answers[i] = refused(i, InvalidSubmissionMapper.problemOf(e));
      }
    }
    int accepted = 0;
    if (!valid.isEmpty()) {
      for (ItemResult r : acceptance.acceptAll(tenant, valid, Origin.REST)) {
        int index = validIndex.get(r.index());
        if (r.isAccepted()) {
          accepted++;
          answers[index] =
              Json.createObjectBuilder()
                  .add("index", index)
                  .add("status", r.accepted().created() ? 202 : 200)
                  .add("task", rendered(r.accepted()))
                  .build();
        } else {
          answers[index] =
              refused(
                  index,
                  new Problem(
                      ProblemType.INVALID_REQUEST,
                      "The task refers to tasks it may not depend on.",
                      r.problems()));
        }
      }
    }
    JsonArrayBuilder results = Json.createArrayBuilder();
    for (JsonObject a : answers) {
      results.add(a);
    }
    return Json.createObjectBuilder()
        .add("accepted", accepted)
        .add("refused", items.size() - accepted)
        .add("items", results)
        .build();
  }

  private JsonObject refused(int index, Problem problem) {
    return Json.createObjectBuilder()
        .add("index", index)
        .add("status", problem.status())
        .add("problem", problem.toJson(null))
        .build();
  }

  /**
   * The task as accepted; while the broker is unreachable a new task waits in the database for its
   * dispatch, and says so.
   */
  private JsonObject rendered(SubmitResult r) {
    JsonObject json = TaskJson.render(r.task());
    if (r.task().getState() != TaskState.QUEUED || r.task().isBlocked() || relay.brokerUp()) {
      return json;
    }
    return Json.createObjectBuilder(json)
        .add(
            "waiting_reason",
            "broker unavailable: the task is stored and is dispatched when the broker is back")
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
