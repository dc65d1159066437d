package io.renqueue.backends;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/** The call to a task's fallback backend: same transient-only retry policy, no further fallback. */
@ApplicationScoped
public class FallbackBackendCall {

  @Inject BackendInvoker invoker;

  @Timeout(value = 60_000, unit = ChronoUnit.MILLIS)
  @Retry(
      maxRetries = 2,
      delay = 200,
      jitter = 100,
      maxDuration = 300_000,
      retryOn = {RetryableBackendException.class, TimeoutException.class},
      abortOn = {RejectedByBackendException.class, PreemptedException.class})
  @CircuitBreaker(
      requestVolumeThreshold = 8,
      failureRatio = 0.75,
      delay = 10_000,
      successThreshold = 2,
      failOn = {RetryableBackendException.class, TimeoutException.class},
      skipOn = {RejectedByBackendException.class, PreemptedException.class})
  public ChatAnswer call(BackendCall call) {
    return invoker.invoke(call.fallback(), call);
  }
}
