package io.renqueue.api.openai;

import io.renqueue.dispatch.WaitingCallers;
import io.renqueue.submission.ClientWait;
import io.renqueue.submission.InvalidDependenciesException;
import io.renqueue.submission.Origin;
import io.renqueue.submission.Submission;
import io.renqueue.submission.TaskAcceptance;
import io.renqueue.tasks.TaskStore;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /v1/chat/completions}, synchronous: the request becomes a durable task (same
 * validation, priorities, routing and fallbacks as {@code /api/v1/tasks}), and the call returns
 * when the task ends, with its id in {@value #TASK_ID_HEADER}. Priority comes from the body's
 * {@code priority} field or the {@code X-Priority} header; the tenant from {@code X-Tenant}. The
 * caller is woken by the ended task itself, which the worker publishes to this server; no poll.
 *
 * <p>With {@code stream: true} ({@link StreamRequests} routes it to {@link #stream}) the answer is
 * relayed as server-sent events in the OpenAI chunk format while the backend generates it; the open
 * stream holds neither a thread nor a broker connection ({@link AnswerStreams}). If a backend
 * breaks off mid-answer, the next one continues from the text the client already has, so the client
 * sees one continuous answer.
 */
@Path("/chat/completions")
@RequestScoped
public class ChatCompletionsResource {

  public static final String TASK_ID_HEADER = "X-Renqueue-Task-Id";

  @Inject TaskAcceptance acceptance;
  @EJB TaskStore store;
  @Inject WaitingCallers callers;
  @Inject AnswerStreams streams;

  @Inject
  @ConfigProperty(name = "renqueue.openai.wait-seconds", defaultValue = "600")
  long waitSeconds;

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response complete(
      @HeaderParam("X-Tenant") String tenantHeader,
      @HeaderParam("X-Priority") String priorityHeader,
      InputStream body) {
    String tenant = OpenAiRequests.tenant(tenantHeader);
    JsonObject request = OpenAiRequests.withPriority(OpenAiRequests.read(body), priorityHeader);
    Submission submission = OpenAiRequests.parse(request);
    String model = request.getString("model");
    AnsweredTask task =
        SynchronousWait.submitAndAwait(callers, store, acceptance, tenant, submission, waitSeconds);
    String id = task.id();
    return switch (task.state()) {
      case SUCCEEDED ->
          Response.ok(completion(task, model).toString())
              .type(MediaType.APPLICATION_JSON_TYPE)
              .header(TASK_ID_HEADER, id)
              .build();
      case FAILED ->
          OpenAiError.response(
              502, "backend_error", task.errorMessage(), null, task.errorCode(), id);
      case EXPIRED ->
          OpenAiError.response(
              504,
              "timeout",
              "The task expired before it started: " + task.errorMessage(),
              null,
              "expired",
              id);
      case CANCELLED ->
          OpenAiError.response(409, "cancelled", "The task was cancelled.", null, "cancelled", id);
      default ->
          OpenAiError.response(
              504,
              "timeout",
              "The task did not end within "
                  + waitSeconds
                  + " s; it goes on: GET /api/v1/tasks/"
                  + id,
              null,
              "still_running",
              id);
    };
  }

  /**
   * A streamed completion. The stream listens for the task's text before the task is submitted (so
   * no piece can be missed); the method returns at once and the stream is written as the text
   * arrives.
   */
  @POST
  @Path("/stream")
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.SERVER_SENT_EVENTS)
  public void stream(
      @HeaderParam("X-Tenant") String tenantHeader,
      @HeaderParam("X-Priority") String priorityHeader,
      InputStream body,
      @Context SseEventSink sink,
      @Context Sse sse,
      @Context HttpServletResponse response) {
    String tenant = OpenAiRequests.tenant(tenantHeader);
    JsonObject request = OpenAiRequests.withPriority(OpenAiRequests.read(body), priorityHeader);
    Submission submission = OpenAiRequests.parse(request);
    StreamedAnswer answer =
        streams.open(sink, sse, tenant, request.getString("model"), waitSeconds);
    UUID id;
    try {
      id =
          acceptance
              .accept(tenant, submission, Origin.waiting(ClientWait.streaming(answer.key)))
              .task()
              .getId();
    } catch (InvalidDependenciesException e) {
      streams.abandon(answer);
      throw OpenAiRequests.invalid(e.getMessage(), e.errors());
    } catch (RuntimeException e) {
      streams.abandon(answer);
      throw e;
    }
    response.setHeader(TASK_ID_HEADER, id.toString());
    response.setHeader("Cache-Control", "no-cache");
    streams.started(answer, id);
  }

  static JsonObject completion(AnsweredTask t, String model) {
    Instant finished = t.finishedAt() == null ? Instant.now() : t.finishedAt();
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("id", "chatcmpl-" + t.id())
            .add("object", "chat.completion")
            .add("created", finished.getEpochSecond())
            .add("model", model)
            .add(
                "choices",
                Json.createArrayBuilder()
                    .add(
                        Json.createObjectBuilder()
                            .add("index", 0)
                            .add(
                                "message",
                                Json.createObjectBuilder()
                                    .add("role", "assistant")
                                    .add("content", t.text() == null ? "" : t.text()))
                            .add("finish_reason", finishReason(t.finishReason()))));
    if (t.promptTokens() != null) {
      b.add("usage", usage(t));
    }
    return b.build();
  }

  static JsonObjectBuilder usage(AnsweredTask t) {
    int prompt = t.promptTokens();
    int completion = t.completionTokens() == null ? 0 : t.completionTokens();
    return Json.createObjectBuilder()
        .add("prompt_tokens", prompt)
        .add("completion_tokens", completion)
        .add("total_tokens", prompt + completion);
  }

  /** OpenAI SDKs accept only these; anything else a backend said becomes "stop". */
  static String finishReason(String r) {
    return r != null
            && List.of("stop", "length", "tool_calls", "content_filter", "function_call")
                .contains(r)
        ? r
        : "stop";
  }
}
