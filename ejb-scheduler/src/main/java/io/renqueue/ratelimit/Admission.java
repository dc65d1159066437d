package io.renqueue.ratelimit;

import java.time.Instant;

/**
 * The answer to "may this server send that backend a request now?".
 *
 * @param callId the admitted request's row, to release when it ends; null when refused
 * @param reason why it was refused
 * @param retryAt when the refusal will have lifted, if that can be known
 */
public record Admission(Long callId, String reason, Instant retryAt) {

  /** The call id of a request to a backend without limits: nothing to release. */
  public static final long UNCOUNTED = -1;

  public static Admission admitted(long callId) {
    return new Admission(callId, null, null);
  }

  public static Admission refused(String reason, Instant retryAt) {
    return new Admission(null, reason, retryAt);
  }

  public boolean isAdmitted() {
    return callId != null;
  }
}
