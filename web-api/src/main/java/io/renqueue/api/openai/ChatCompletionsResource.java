package io.renqueue.api.openai;

import io.renqueue.submission.FieldError;
import io.renqueue.submission.InvalidDependenciesException;
import io.renqueue.submission.InvalidSubmissionException;
import io.renqueue.submission.Submission;
import io.renqueue.submission.SubmissionParser;
import io.renqueue.submission.SubmitResult;
import io.renqueue.submission.TaskSubmissions;
import io.renqueue.tasks.Task;
import io.renqueue.tasks.TaskStore;
import io.renqueue.tasks.Tenants;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
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
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /v1/chat/completions}, synchronous: the request becomes a durable task (same
 * validation, priorities, routing and fallbacks as {@code /api/v1/tasks}), and the call returns
 * when the task ends, with its id in {@value #TASK_ID_HEADER}. Priority comes from the body's
 * {@code priority} field or the {@code X-Priority} header; the tenant from {@code X-Tenant}.
 *
 * <p>With {@code stream: true} the answer is sent as server-sent events in the OpenAI chunk format
 * once the task has ended; tokens are not yet relayed while the backend generates them.
 */
@Path("/chat/completions")
@RequestScoped
public class ChatCompletionsResource {

  public static final String TASK_ID_HEADER = "X-Renqueue-Task-Id";

  private static final Pattern WORDS = Pattern.compile("\\S+\\s*|\\s+");

  private final SubmissionParser parser = new SubmissionParser();

  @EJB TaskSubmissions submissions;
  @EJB TaskStore store;

  @Inject
  @ConfigProperty(name = "renqueue.openai.wait-seconds", defaultValue = "600")
  long waitSeconds;

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response complete(
      @HeaderParam("X-Tenant") String tenantHeader,
      @HeaderParam("X-Priority") String priorityHeader,
      InputStream body) {
    String tenant =
        Tenants.resolve(tenantHeader)
            .orElseThrow(
                () ->
                    new OpenAiError(
                        400,
                        "invalid_request_error",
                        "The X-Tenant header is not a valid tenant id: " + Tenants.describeRule(),
                        null,
                        null));
    JsonObject request = read(body);
    boolean stream = request.get("stream") == JsonValue.TRUE;
    if (priorityHeader != null && !request.containsKey("priority")) {
      request =
          Json.createObjectBuilder(request)
              .add("priority", priorityHeader.trim().toLowerCase(java.util.Locale.ROOT))
              .build();
    }
    Submission submission;
    try {
      submission = parser.parse(request.toString());
    } catch (InvalidSubmissionException e) {
      throw invalid(e.getMessage(), e.errors());
    }
    SubmitResult accepted;
    try {
      accepted = submissions.submit(tenant, submission, null);
    } catch (InvalidDependenciesException e) {
      throw invalid(e.getMessage(), e.errors());
    }
    Task task = await(accepted.task().getId(), tenant);
    String id = task.getId().toString();
    return switch (task.getState()) {
      case SUCCEEDED ->
          stream
              ? Response.ok(sse(task, request.getString("model")))
                  .type("text/event-stream")
                  .header("Cache-Control", "no-cache")
                  .header(TASK_ID_HEADER, id)
                  .build()
              : Response.ok(completion(task, request.getString("model")).toString())
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

  /** Polls the task, briefly at first, until it ends or the wait is over. */
  private Task await(UUID id, String tenant) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(waitSeconds));
    long pause = 2;
    while (true) {
      Task t = store.find(id, tenant).orElseThrow();
      if (t.getState().isTerminal() || Instant.now().isAfter(deadline)) {
        return t;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return t;
      }
      pause = Math.min(50, pause * 2);
    }
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

  private static StreamingOutput sse(Task t, String model) {
    List<String> pieces = new ArrayList<>();
    Matcher m = WORDS.matcher(t.getResultText() == null ? "" : t.getResultText());
    while (m.find()) {
      pieces.add(m.group());
    }
    String id = "chatcmpl-" + t.getId();
    long created = t.getFinishedAt().getEpochSecond();
    return (OutputStream out) -> {
      event(
          out,
          chunk(
              id,
              created,
              model,
              Json.createObjectBuilder().add("role", "assistant").add("content", ""),
              null,
              false,
              t));
      for (String piece : pieces) {
        event(
            out,
            chunk(
                id,
                created,
                model,
                Json.createObjectBuilder().add("content", piece),
                null,
                false,
                t));
      }
      event(out, chunk(id, created, model, Json.createObjectBuilder(), finishReason(t), true, t));
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    };
  }

  private static JsonObject chunk(
      String id,
      long created,
      String model,
      JsonObjectBuilder delta,
      String finish,
      boolean last,
      Task t) {
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
    if (last && t.getPromptTokens() != null) {
      b.add("usage", usage(t));
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

  private static JsonObject read(InputStream body) {
    byte[] bytes;
    try {
      bytes = body.readNBytes(SubmissionParser.MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new OpenAiError(
          400, "invalid_request_error", "The request body could not be read.", null, null);
    }
    if (bytes.length > SubmissionParser.MAX_BODY_BYTES) {
      throw new OpenAiError(
          413,
          "invalid_request_error",
          "The request is larger than " + SubmissionParser.MAX_BODY_BYTES + " bytes.",
          null,
          "request_too_large");
    }
    try (var reader =
        Json.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
      return reader.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw new OpenAiError(
          400, "invalid_request_error", "The request body must be a JSON object.", null, null);
    }
  }

  private static OpenAiError invalid(String message, List<FieldError> errors) {
    String detail =
        errors.isEmpty()
            ? message
            : message + " " + errors.stream().map(f -> f.field() + ": " + f.message()).toList();
    return new OpenAiError(
        400,
        "invalid_request_error",
        detail,
        errors.isEmpty() ? null : errors.get(0).field(),
        null);
  }
}
