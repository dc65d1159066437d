package io.renqueue.api.openai;

import io.renqueue.dispatch.AnswerStream;
import io.renqueue.dispatch.WaitingCallers;
import io.renqueue.submission.ClientWait;
import io.renqueue.submission.InvalidDependenciesException;
import io.renqueue.submission.Submission;
import io.renqueue.submission.SubmitResult;
import io.renqueue.submission.TaskSubmissions;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskState;
import io.renqueue.tasks.TaskStore;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Topic;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /v1/chat/completions}, synchronous: the request becomes a durable task (same
 * validation, priorities, routing and fallbacks as {@code /api/v1/tasks}), and the call returns
 * when the task ends, with its id in {@value #TASK_ID_HEADER}. Priority comes from the body's
 * {@code priority} field or the {@code X-Priority} header; the tenant from {@code X-Tenant}.
 *
 * <p>With {@code stream: true} the answer is relayed as server-sent events in the OpenAI chunk
 * format while the backend generates it: the worker publishes the text on the stream topic under a
 * key this request listens for, and the stored task has the final word (finish reason, usage, or
 * the error). If a backend breaks off mid-answer, the next one continues from the text the client
 * already has, so the client sees one continuous answer.
 */
@Path("/chat/completions")
@RequestScoped
public class ChatCompletionsResource {

  public static final String TASK_ID_HEADER = "X-Renqueue-Task-Id";

  @EJB TaskSubmissions submissions;
  @EJB TaskStore store;
  @EJB WaitingCallers callers;

  @Resource(lookup = "jms/renqueue/cf")
  ConnectionFactory connectionFactory;

  @Resource(lookup = "jms/renqueue/stream")
  Topic streamTopic;

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
    boolean stream = request.get("stream") == JsonValue.TRUE;
    Submission submission = OpenAiRequests.parse(request);
    String model = request.getString("model");
    if (stream) {
      return relayed(tenant, submission, model);
    }
    Task task =
        SynchronousWait.submitAndAwait(
            callers, store, submissions, tenant, submission, waitSeconds);
    String id = task.getId().toString();
    return switch (task.getState()) {
      case SUCCEEDED ->
          Response.ok(completion(task, model).toString())
              .type(MediaType.APPLICATION_JSON_TYPE)
              .header(TASK_ID_HEADER, id)
              .build();
      case FAILED ->
          OpenAiError.response(
              502, "backend_error", task.getErrorMessage(), null, task.getErrorCode(), id);
      case EXPIRED ->
          OpenAiError.response(
              504,
              "timeout",
              "The task expired before it started: " + task.getErrorMessage(),
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

  static JsonObject completion(Task t, String model) {
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("id", "chatcmpl-" + t.getId())
            .add("object", "chat.completion")
            .add("created", t.getFinishedAt().getEpochSecond())
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
                                    .add(
                                        "content",
                                        t.getResultText() == null ? "" : t.getResultText()))
                            .add("finish_reason", finishReason(t))));
    if (t.getPromptTokens() != null) {
      b.add("usage", usage(t));
    }
    return b.build();
  }

  /**
   * Listens for the task's text before submitting it (so no piece can be missed), then streams each
   * piece as a chunk, and the end as the stored task says.
   */
  private Response relayed(String tenant, Submission submission, String model) {
    String key = UUID.randomUUID().toString();
    JMSContext jms = connectionFactory.createContext();
    SubmitResult accepted;
    JMSConsumer pieces;
    try {
      pieces = jms.createConsumer(streamTopic, AnswerStream.KEY + " = '" + key + "'");
      accepted = submissions.submit(tenant, submission, null, ClientWait.streaming(key));
    } catch (InvalidDependenciesException e) {
      jms.close();
      throw OpenAiRequests.invalid(e.getMessage(), e.errors());
    } catch (RuntimeException e) {
      jms.close();
      throw e;
    }
    UUID id = accepted.task().getId();
    StreamingOutput body =
        out -> {
          try (jms) {
            relay(out, pieces, id, tenant, model);
          }
        };
    return Response.ok(body)
        .type("text/event-stream")
        .header("Cache-Control", "no-cache")
        .header(TASK_ID_HEADER, id.toString())
        .build();
  }

  private void relay(OutputStream out, JMSConsumer pieces, UUID id, String tenant, String model)
      throws IOException {
    String chunkId = "chatcmpl-" + id;
    long created = Instant.now().getEpochSecond();
    event(
        out,
        chunk(
            chunkId,
            created,
            model,
            Json.createObjectBuilder().add("role", "assistant").add("content", ""),
            null,
            null));
    StringBuilder sent = new StringBuilder();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(waitSeconds));
    Task task = null;
    while (task == null) {
      Message m = pieces.receive(1000);
      String event = m == null ? null : property(m, AnswerStream.EVENT);
      if (AnswerStream.DELTA.equals(event)) {
        String text = body(m);
        sent.append(text);
        event(
            out,
            chunk(
                chunkId,
                created,
                model,
                Json.createObjectBuilder().add("content", text),
                null,
                null));
        continue;
      }
      if (m == null) {
        // An SSE comment: keeps proxies from closing an idle stream, and finds a client that
        // went away (the write fails) so its broker connection is given back.
        out.write(": waiting\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      // An attempt ended, or nothing came for a second: the stored task decides.
      Task t = store.find(id, tenant).orElseThrow();
      if (t.getState().isTerminal()) {
        task = t;
      } else if (Instant.now().isAfter(deadline)) {
        errorEvent(
            out,
            "timeout",
            "The task did not end within "
                + waitSeconds
                + " s; it goes on: GET /api/v1/tasks/"
                + id,
            "still_running");
        return;
      }
    }
    if (task.getState() != TaskState.SUCCEEDED) {
      errorEvent(
          out,
          task.getState() == TaskState.FAILED
              ? "backend_error"
              : "task_" + task.getState().wireName(),
          task.getErrorMessage() == null
              ? "The task ended " + task.getState()
              : task.getErrorMessage(),
          task.getErrorCode());
      return;
    }
    String result = task.getResultText() == null ? "" : task.getResultText();
    if (!result.startsWith(sent.toString())) {
      // Another worker ran the task again from the start (its first worker died): the client's
      // text cannot be spliced with the stored answer.
      errorEvent(
          out,
          "stream_restarted",
          "The task was run again after its worker was lost; read the stored answer: GET /api/v1/tasks/"
              + id,
          "stream_restarted");
      return;
    }
    if (result.length() > sent.length()) {
      event(
          out,
          chunk(
              chunkId,
              created,
              model,
              Json.createObjectBuilder().add("content", result.substring(sent.length())),
              null,
              null));
    }
    event(
        out, chunk(chunkId, created, model, Json.createObjectBuilder(), finishReason(task), task));
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void errorEvent(OutputStream out, String type, String message, String code)
      throws IOException {
    JsonObjectBuilder error = Json.createObjectBuilder().add("message", message).add("type", type);
    if (code == null) {
      error.addNull("code");
    } else {
      error.add("code", code);
    }
    out.write(
        ("data: " + Json.createObjectBuilder().add("error", error).build() + "\n\n")
            .getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String property(Message m, String name) {
    try {
      return m.getStringProperty(name);
    } catch (JMSException e) {
      return null;
    }
  }

  private static String body(Message m) {
    try {
      return m.getBody(String.class);
    } catch (JMSException e) {
      return "";
    }
  }

  /** One chunk; {@code usageOf} non-null on the last one, which carries the usage. */
  private static JsonObject chunk(
      String id, long created, String model, JsonObjectBuilder delta, String finish, Task usageOf) {
    JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
    if (finish == null) {
      choice.addNull("finish_reason");
    } else {
      choice.add("finish_reason", finish);
    }
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("id", id)
            .add("object", "chat.completion.chunk")
            .add("created", created)
            .add("model", model)
            .add("choices", Json.createArrayBuilder().add(choice));
    if (usageOf != null && usageOf.getPromptTokens() != null) {
      b.add("usage", usage(usageOf));
    }
    return b.build();
  }

  private static void event(OutputStream out, JsonObject chunk) throws IOException {
    out.write(("data: " + chunk + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static JsonObjectBuilder usage(Task t) {
    int prompt = t.getPromptTokens();
    int completion = t.getCompletionTokens() == null ? 0 : t.getCompletionTokens();
    return Json.createObjectBuilder()
        .add("prompt_tokens", prompt)
        .add("completion_tokens", completion)
        .add("total_tokens", prompt + completion);
  }

  /** OpenAI SDKs accept only these; anything else a backend said becomes "stop". */
  private static String finishReason(Task t) {
    String r = t.getFinishReason();
    return r != null
            && List.of("stop", "length", "tool_calls", "content_filter", "function_call")
                .contains(r)
        ? r
        : "stop";
  }
}
