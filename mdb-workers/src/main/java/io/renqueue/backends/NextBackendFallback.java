package io.renqueue.backends;

import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.FallbackHandler;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * When the primary backend gives up, try the fallback backend; when there is none, or it fails too,
 * give up with a message that names every backend tried and why.
 */
public class NextBackendFallback implements FallbackHandler<ChatAnswer> {

  @Inject FallbackBackendCall fallback;

  @Override
  public ChatAnswer handle(ExecutionContext context) {
    BackendCall call = (BackendCall) context.getParameters()[0];
    noteFailureNotSeenByTheInvoker(call, call.primary(), context.getFailure());
    if (call.fallback() == null) {
      throw new BackendsExhaustedException(
          call.log().summary() + " (no fallback backend serves this model)");
    }
    try {
      return fallback.call(call);
    } catch (PreemptedException e) {
      throw e;
    } catch (RuntimeException e) {
      noteFailureNotSeenByTheInvoker(call, call.fallback(), e);
      throw new BackendsExhaustedException(call.log().summary());
    }
  }

  private static void noteFailureNotSeenByTheInvoker(
      BackendCall call, BackendConfig backend, Throwable failure) {
    if (failure instanceof CircuitBreakerOpenException) {
      call.log().failed(backend.name(), "circuit open");
    } else if (failure instanceof TimeoutException && call.log().backendsTried().isEmpty()) {
      call.log().failed(backend.name(), "timed out");
    }
  }
}
