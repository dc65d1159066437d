package io.renqueue.api.openai;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An error in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, which the OpenAI
 * SDKs turn into their own exceptions. {@code x-should-retry: false} tells them not to retry what
 * retrying cannot fix.
 */
public class OpenAiError extends WebApplicationException {

  private static final long serialVersionUID = 1L;

  public OpenAiError(int status, String type, String message, String param, String code) {
    super(message, response(status, type, message, param, code, null));
  }

  static Response response(
      int status, String type, String message, String param, String code, String taskId) {
    return response(status, type, message, param, code, taskId, false);
  }

  static Response response(
      int status,
      String type,
      String message,
      String param,
      String code,
      String taskId,
      boolean retry) {
    JsonObjectBuilder error = Json.createObjectBuilder().add("message", message).add("type", type);
    if (param != null) {
      error.add("param", param);
    } else {
      error.addNull("param");
    }
    if (code != null) {
      error.add("code", code);
    } else {
      error.addNull("code");
    }
    Response.ResponseBuilder r =
        Response.status(status)
            .type(MediaType.APPLICATION_JSON_TYPE)
            .header("x-should-retry", String.valueOf(retry))
            .entity(Json.createObjectBuilder().add("error", error).build().toString());
    if (taskId != null) {
      r.header(ChatCompletionsResource.TASK_ID_HEADER, taskId);
    }
    return r.build();
  }
}
