package io.renqueue.backends;

import java.time.Instant;

/**
 * A transient failure (429, 5xx, timeout, connection refused, a cut stream): retry, then fall back.
 */
public class RetryableBackendException extends BackendException {

  private static final long serialVersionUID = 1L;

  public RetryableBackendException(String message) {
    super(message);
  }

  public RetryableBackendException(String message, int status, Instant cooldownUntil) {
    super(message, status, cooldownUntil);
  }

  private String partialText = "";

  /** The answer text the backend had streamed before it failed ("" for none). */
  public String partialText() {
    return partialText;
  }

  RetryableBackendException withPartialText(String text) {
    this.partialText = text == null ? "" : text;
    return this;
  }
}
