package io.renqueue.backends;

/** The backend refused the request itself (4xx other than 408/429): never retried. */
public class RejectedByBackendException extends BackendException {

  private static final long serialVersionUID = 1L;

  public RejectedByBackendException(String message) {
    super(message);
  }
}
