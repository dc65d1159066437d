package io.renqueue.api.openai;

import io.renqueue.api.problems.DependencyOutage;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Every failure under /v1 in OpenAI's error shape; unexpected ones logged with an incident id. */
@Provider
public class OpenAiErrorMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(OpenAiErrorMapper.class.getName());

  @Override
  public Response toResponse(Throwable e) {
    if (e instanceof OpenAiError o) {
      return o.getResponse();
    }
    if (e instanceof WebApplicationException w) {
      int status = w.getResponse().getStatus();
      String type = status >= 500 ? "server_error" : "invalid_request_error";
      return OpenAiError.response(
          status,
          type,
          "HTTP " + status + ": " + w.getResponse().getStatusInfo().getReasonPhrase(),
          null,
          null,
          null);
    }
    if (DependencyOutage.causedBy(e)) {
      LOG.warning(() -> "Database or broker unavailable in the OpenAI-compatible API: " + e);
      return Response.fromResponse(
              OpenAiError.response(
                  503,
                  "server_error",
                  "The database or the message broker is unavailable; nothing was stored."
                      + " Retry in a few seconds.",
                  null,
                  null,
                  null))
          .header("Retry-After", DependencyOutage.RETRY_AFTER_SECONDS)
          .build();
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "Incident " + incident + " in the OpenAI-compatible API", e);
    return OpenAiError.response(
        500,
        "server_error",
        "The server could not complete the request. Quote incident " + incident + ".",
        null,
        null,
        null);
  }
}
