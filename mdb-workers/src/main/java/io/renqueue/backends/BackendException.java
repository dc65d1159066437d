package io.renqueue.backends;

import java.time.Instant;

/**
 * A backend call that did not produce an answer. {@code status} is the HTTP status (0 when there
 * was no answer at all); {@code cooldownUntil} is set when the backend asked not to be called
 * before then (Retry-After, an exhausted rate budget).
 */
public abstract class BackendException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient Instant cooldownUntil;

  protected BackendException(String message) {
    this(message, 0, null);
  }

  protected BackendException(String message, int status, Instant cooldownUntil) {
    super(message, null, false, false);
    this.status = status;
    this.cooldownUntil = cooldownUntil;
  }

  public int status() {
    return status;
  }

  public Instant cooldownUntil() {
    return cooldownUntil;
  }
}
