package io.renqueue.backends;

/** A transient failure (429, 5xx, timeout, connection refused): retry, then fall back. */
public class RetryableBackendException extends BackendException {

  private static final long serialVersionUID = 1L;

  public RetryableBackendException(String message) {
    super(message);
  }
}
