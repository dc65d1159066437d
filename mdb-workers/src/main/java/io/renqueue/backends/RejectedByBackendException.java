package io.renqueue.backends;

import java.time.Instant;

/** The backend refused the request itself (4xx other than 408/429): never retried on it. */
public class RejectedByBackendException extends BackendException {

  private static final long serialVersionUID = 1L;

  public RejectedByBackendException(String message) {
    super(message);
  }

  public RejectedByBackendException(String message, int status, Instant cooldownUntil) {
    super(message, status, cooldownUntil);
  }
}
