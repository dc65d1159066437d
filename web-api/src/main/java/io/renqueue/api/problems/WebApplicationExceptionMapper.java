package io.renqueue.api.problems;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Errors the JAX-RS runtime raises itself (unknown path, wrong method, wrong media type) become
 * problem documents too, keeping headers such as {@code Allow}.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

  @Context UriInfo uri;

  @Override
  public Response toResponse(WebApplicationException e) {
    Response original = e.getResponse();
    int status = original.getStatus();
    ProblemType type = ProblemType.forStatus(status);
    Response problem = ProblemResponses.of(new Problem(type, detail(type, status)), uri);
    Response.ResponseBuilder b = Response.fromResponse(problem).status(status);
    original
        .getHeaders()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("Content-Type")
                  && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> b.header(name, v));
              }
            });
    return b.build();
  }

  private static String detail(ProblemType type, int status) {
    return switch (type) {
      case NOT_FOUND -> "There is no resource at this path.";
      case METHOD_NOT_ALLOWED ->
          "This resource does not support that HTTP method; see the Allow header.";
      case UNSUPPORTED_MEDIA_TYPE -> "Send the request body as application/json.";
      case NOT_ACCEPTABLE -> "This resource answers with application/json.";
      default -> "The request could not be processed (HTTP " + status + ").";
    };
  }
}
