package io.renqueue.api.problems;

/** Every kind of error the API answers with; the URNs are part of the API contract. */
public enum ProblemType {
  MALFORMED_JSON(400, "Malformed JSON"),
  INVALID_REQUEST(400, "Invalid request"),
  UNAUTHORIZED(401, "Unauthorized"),
  FORBIDDEN(403, "Forbidden"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  TASK_NOT_CANCELLABLE(409, "Task cannot be cancelled"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  BAD_REQUEST(400, "Bad request"),
  SERVICE_UNAVAILABLE(503, "Service unavailable"),
  INTERNAL_ERROR(500, "Internal error");

  public static final String MEDIA_TYPE = "application/problem+json";

  private final int status;
  private final String title;

  ProblemType(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String uri() {
    return "urn:renqueue:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The type for an HTTP status the JAX-RS runtime produced itself. */
  public static ProblemType forStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 503 -> SERVICE_UNAVAILABLE;
      default -> status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
    };
  }
}
