package io.renqueue.backends;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The call to a task's primary backend. Retries own transient failures only (429, 5xx, timeouts); a
 * 4xx is not retried. When the primary is out of attempts or its breaker is open, the fallback
 * handler tries the next backend. The broker never retries a backend failure: the worker always
 * records an outcome. Every value here can be overridden through MicroProfile Config, e.g. {@code
 * io.renqueue.backends.PrimaryBackendCall/call/Timeout/value=5000}.
 */
@ApplicationScoped
public class PrimaryBackendCall {

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
  @Fallback(value = NextBackendFallback.class, skipOn = PreemptedException.class)
  public ChatAnswer call(BackendCall call) {
    return invoker.invoke(call.primary(), call);
  }
}
