package io.renqueue.backends;

import java.time.Instant;

/**
 * No candidate backend could take the request now — each was cooling down, at a rate limit or
 * concurrency limit, or had its circuit open — so nothing was sent. Not a failure: the task waits
 * until {@code retryAt}.
 */
public class BackendsBusyException extends BackendException {

  private static final long serialVersionUID = 1L;

  private final transient Instant retryAt;

  public BackendsBusyException(String message, Instant retryAt) {
    super(message);
    this.retryAt = retryAt;
  }

  public Instant retryAt() {
    return retryAt;
  }
}
