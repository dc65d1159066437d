package io.renqueue.api.problems;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Anything else is our fault: the client gets a 500 problem with an incident id and no internals;
 * the log gets the incident id and the stack trace.
 */
@Provider
public class UnexpectedFailureMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(UnexpectedFailureMapper.class.getName());

  @Context UriInfo uri;

  @Override
  public Response toResponse(Throwable e) {
    if (DependencyOutage.causedBy(e)) {
      LOG.warning(
          () ->
              "Database or broker unavailable while serving "
                  + (uri == null ? "?" : uri.getRequestUri())
                  + ": "
                  + e);
      return Response.fromResponse(
              ProblemResponses.of(
                  new Problem(
                      ProblemType.SERVICE_UNAVAILABLE,
                      "The database or the message broker is unavailable; nothing was stored."
                          + " Retry in a few seconds."),
                  uri))
          .header(HttpHeaders.RETRY_AFTER, DependencyOutage.RETRY_AFTER_SECONDS)
          .build();
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(
        Level.SEVERE,
        "Incident " + incident + " while serving " + (uri == null ? "?" : uri.getRequestUri()),
        e);
    return ProblemResponses.of(
        new Problem(
            ProblemType.INTERNAL_ERROR,
            "The server could not complete the request. Quote incident "
                + incident
                + " when reporting it."),
        uri);
  }
}
