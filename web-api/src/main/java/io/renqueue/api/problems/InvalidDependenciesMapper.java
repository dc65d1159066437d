package io.renqueue.api.problems;

import io.renqueue.submission.InvalidDependenciesException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A submission whose depends_on names tasks that do not exist: 400 with each bad entry. */
@Provider
public class InvalidDependenciesMapper implements ExceptionMapper<InvalidDependenciesException> {

  @Context UriInfo uri;

  @Override
  public Response toResponse(InvalidDependenciesException e) {
    return ProblemResponses.of(
        new Problem(ProblemType.INVALID_REQUEST, e.getMessage(), e.errors()), uri);
  }
}
