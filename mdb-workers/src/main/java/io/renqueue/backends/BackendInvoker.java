package io.renqueue.backends;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Makes one HTTP attempt on one backend, and records it: in the task's {@link AttemptLog} and in
 * the {@code renqueue.backend.call} timer (by backend and outcome).
 */
@ApplicationScoped
public class BackendInvoker {

  private final OpenAiChatClient client = new OpenAiChatClient();

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  MetricRegistry metrics;

  public ChatAnswer invoke(BackendConfig backend, BackendCall call) {
    long start = System.nanoTime();
    String outcome = "error";
    try {
      ChatAnswer answer = client.complete(backend, call.requestJson());
      outcome = "ok";
      return answer;
    } catch (BackendException e) {
      call.log().failed(backend.name(), e.getMessage());
      throw e;
    } catch (InterruptedException e) {
      if (call.preemption().preempted()) {
        outcome = "preempted";
        throw new PreemptedException();
      }
      // The fault-tolerance @Timeout interrupted us; it reports a TimeoutException upwards.
      Thread.currentThread().interrupt();
      outcome = "timeout";
      call.log().failed(backend.name(), "timed out");
      throw new RetryableBackendException("timed out");
    } finally {
      metrics
          .timer(
              "renqueue.backend.call",
              new Tag("backend", backend.name()),
              new Tag("outcome", outcome))
          .update(Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
