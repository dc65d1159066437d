package io.renqueue.api.openai;

import io.renqueue.dispatch.WaitingCallers;
import io.renqueue.submission.Submission;
import io.renqueue.submission.TaskAcceptance;
import io.renqueue.tasks.TaskState;
import io.renqueue.tasks.TaskStore;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /v1/embeddings}, synchronous like chat: the request becomes a durable task of type
 * embedding, routed and retried like any other, and the call returns its vectors. {@code
 * encoding_format: "base64"} (what the OpenAI SDKs ask for by default) returns each vector as
 * little-endian float32 bytes in base64.
 */
@Path("/embeddings")
@RequestScoped
public class EmbeddingsResource {

  @Inject TaskAcceptance acceptance;
  @EJB TaskStore store;
  @Inject WaitingCallers callers;

  @Inject
  @ConfigProperty(name = "renqueue.openai.wait-seconds", defaultValue = "600")
  long waitSeconds;

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response embed(
      @HeaderParam("X-Tenant") String tenantHeader,
      @HeaderParam("X-Priority") String priorityHeader,
      InputStream body) {
    String tenant = OpenAiRequests.tenant(tenantHeader);
    JsonObject request = OpenAiRequests.read(body);
    boolean base64 =
        request.get("encoding_format") instanceof JsonString f && f.getString().equals("base64");
    JsonObject asTask =
        Json.createObjectBuilder(request)
            .add("type", "embedding")
            .remove("encoding_format")
            .build();
    Submission submission =
        OpenAiRequests.parse(OpenAiRequests.withPriority(asTask, priorityHeader));
    AnsweredTask task =
        SynchronousWait.submitAndAwait(callers, store, acceptance, tenant, submission, waitSeconds);
    String id = task.id();
    if (!task.ended()) {
      return OpenAiError.response(
          504,
          "timeout",
          "The task did not end in time; GET /api/v1/tasks/" + id,
          null,
          "still_running",
          id);
    }
    if (task.state() != TaskState.SUCCEEDED) {
      return OpenAiError.response(
          502, "backend_error", String.valueOf(task.errorMessage()), null, task.errorCode(), id);
    }
    JsonArrayBuilder data = Json.createArrayBuilder();
    try (var reader = Json.createReader(new StringReader(task.text()))) {
      for (JsonValue v : reader.readArray()) {
        JsonObject item = v.asJsonObject();
        JsonArray vector = item.getJsonArray("embedding");
        var out =
            Json.createObjectBuilder()
                .add("object", "embedding")
                .add("index", item.getInt("index"));
        if (base64) {
          out.add("embedding", base64(vector));
        } else {
          out.add("embedding", vector);
        }
        data.add(out);
      }
    }
    int prompt = task.promptTokens() == null ? 0 : task.promptTokens();
    JsonObject response =
        Json.createObjectBuilder()
            .add("object", "list")
            .add("data", data)
            .add("model", request.getString("model", ""))
            .add(
                "usage",
                Json.createObjectBuilder().add("prompt_tokens", prompt).add("total_tokens", prompt))
            .build();
    return Response.ok(response.toString())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .header(ChatCompletionsResource.TASK_ID_HEADER, id)
        .build();
  }

  /** Little-endian float32, the layout the OpenAI SDKs decode. */
  static String base64(JsonArray vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonValue v : vector) {
      bytes.putFloat((float) ((JsonNumber) v).doubleValue());
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
