package io.renqueue.api.problems;

import io.renqueue.submission.InvalidSubmissionException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A submission the parser refused: malformed JSON, or the list of invalid fields. */
@Provider
public class InvalidSubmissionMapper implements ExceptionMapper<InvalidSubmissionException> {

  @Context UriInfo uri;

  @Override
  public Response toResponse(InvalidSubmissionException e) {
    return ProblemResponses.of(problemOf(e), uri);
  }

  /** The problem a refused submission is, alone or as one item of a batch. */
  public static Problem problemOf(InvalidSubmissionException e) {
    ProblemType type =
        switch (e.kind()) {
          case MALFORMED_JSON -> ProblemType.MALFORMED_JSON;
          case INVALID_FIELDS -> ProblemType.INVALID_REQUEST;
          case TOO_LARGE -> ProblemType.PAYLOAD_TOO_LARGE;
        };
    return new Problem(type, e.getMessage(), e.errors());
  }
}
