package io.renqueue.api.problems;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Builds the HTTP response for a problem; the one place that knows the media type. */
final class ProblemResponses {

  private ProblemResponses() {}

  static Response of(Problem problem, UriInfo uri) {
    String instance = uri == null ? null : uri.getRequestUri().getRawPath();
    return Response.status(problem.status())
        .type(ProblemType.MEDIA_TYPE)
        .entity(problem.toJson(instance).toString())
        .build();
  }
}
