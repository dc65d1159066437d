package io.renqueue.backends;

/** A backend call that did not produce an answer. */
public abstract class BackendException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  protected BackendException(String message) {
    super(message, null, false, false);
  }
}
