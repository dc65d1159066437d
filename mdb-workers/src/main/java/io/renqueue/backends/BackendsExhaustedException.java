package io.renqueue.backends;

/** Every candidate backend failed; the message lists each one and why. */
public class BackendsExhaustedException extends BackendException {

  private static final long serialVersionUID = 1L;

  public BackendsExhaustedException(String message) {
    super(message);
  }
}
