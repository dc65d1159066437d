package io.renqueue.backends;

/**
 * The call was interrupted by something other than the task's own slot: the chain's fault-tolerance
 * timeout (which its caller sees as a {@code TimeoutException} instead) or the container tearing
 * down this worker's message endpoint while it stops (the Artemis resource adapter interrupts a
 * listener that is still busy when its wait ends). Not a backend failure.
 */
public class CallInterruptedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CallInterruptedException(String message) {
    super(message, null, false, false);
  }
}
