package io.renqueue.backends;

/**
 * The call was interrupted because the task gave its slot to more urgent work. Not a backend
 * failure: no retry, no circuit-breaker count, no fallback.
 */
public class PreemptedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PreemptedException() {
    super("preempted", null, false, false);
  }
}
