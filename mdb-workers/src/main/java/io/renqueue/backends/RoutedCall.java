package io.renqueue.backends;

import io.renqueue.ratelimit.Admission;
import io.renqueue.ratelimit.BackendAdmission;
import io.renqueue.ratelimit.Cooldowns;
import io.renqueue.routing.BackendDefinition;
import io.renqueue.routing.PaidOnlyWhenNeeded;
import io.renqueue.routing.RoutingDecision;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Runs one task's request down its candidate list. Per backend: admission against the cluster-wide
 * budgets and cooldowns, its circuit, then up to {@code 1 + max-retries} attempts with exponential
 * backoff and jitter between them, for retryable failures only (429 and Retry-After move on to the
 * next backend at once, after recording the cooldown for every server). A 4xx is never retried on
 * the same backend; the next candidate may accept the request. Candidates of a degraded (smaller)
 * model come last and only after a candidate of the requested model failed. The whole chain is
 * bounded by MicroProfile Fault Tolerance's {@code @Timeout}, which must stay below the worker
 * lease ({@code io.renqueue.backends.RoutedCall/call/Timeout/value}, ms).
 */
@ApplicationScoped
public class RoutedCall {

  private final OpenAiChatClient chat = new OpenAiChatClient();
  private final OpenAiEmbeddingsClient embeddings = new OpenAiEmbeddingsClient();

  /** A chat completion, streamed from the backend. */
  public BackendOperation chat() {
    return chat::complete;
  }

  public BackendOperation embeddings() {
    return embeddings;
  }

  @Inject BackendHealth health;

  /**
   * How long a task waits for a full free backend before a paid one ({@link PaidOnlyWhenNeeded}).
   */
  @Inject
  @ConfigProperty(name = "renqueue.routing.wait-for-free-ms", defaultValue = "1000")
  long waitForFreeMs;

  @EJB BackendAdmission admission;
  @Inject Cooldowns cooldowns;

  /** Tasks on this server waiting for a full free backend, per backend. */
  private final Map<String, AtomicInteger> waiting = new ConcurrentHashMap<>();

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  MetricRegistry metrics;

  /**
   * @param estimatedTokens charged against tokens-per-minute budgets until the real count is known
   * @throws BackendsBusyException no candidate failed, but each was unavailable for now (limits,
   *     cooldowns, open circuits, 429)
   * @throws BackendsExhaustedException every candidate that was tried failed
   * @throws PreemptedException the slot was taken back
   * @throws CallInterruptedException interrupted from outside: the stopping container (the chain's
   *     own timeout reaches the caller as a {@code TimeoutException})
   */
  @Timeout(840_000)
  public ChatAnswer call(
      RoutingDecision decision,
      Map<String, BackendDefinition> backends,
      String requestJson,
      int estimatedTokens,
      AttemptLog log,
      Preemption preemption,
      Relay relay,
      BackendOperation operation) {
    boolean failed = false;
    Instant retryAt = null;
    // Text a streaming client already has from attempts that broke off; the next attempt
    // continues it rather than starting over.
    StringBuilder relayed = new StringBuilder();
    List<String> brokenOff = new ArrayList<>();
    for (int i = 0; i < decision.candidates().size(); i++) {
      if (i == decision.primaryCount()) {
        if (!failed && i > 0) {
          // The requested model's backends are only busy: wait for them rather than answer
          // with a smaller model. (None at all: nothing to wait for.)
          break;
        }
        log.degraded(decision.degradedTo());
      }
      RoutingDecision.Candidate c = decision.candidates().get(i);
      BackendDefinition b = backends.get(c.backend());
      BackendCircuit circuit = health.circuit(b.name());
      BackendTarget target =
          new BackendTarget(b.name(), b.baseUrl(), apiKey(b), c.upstreamModel(), b.timeout());
      for (int attempt = 0; attempt <= b.maxRetries(); attempt++) {
        if (attempt > 0) {
          pause(
              RetryBackoff.DEFAULT.before(attempt, ThreadLocalRandom.current()::nextDouble),
              preemption,
              log);
        }
        if (!circuit.tryAcquire()) {
          log.failed(b.name(), "circuit open");
          Instant reopens = circuit.openUntil();
          // Half-open with its one trial call in flight: try again shortly.
          retryAt = earliest(retryAt, reopens != null ? reopens : Instant.now().plusSeconds(2));
          break;
        }
        Admission a;
        try {
          a = admit(b, estimatedTokens);
          AtomicInteger waiters = waiting.computeIfAbsent(b.name(), k -> new AtomicInteger());
          if (!a.isAdmitted()
              && PaidOnlyWhenNeeded.waitFor(
                  decision.policy(),
                  b,
                  a.retryAt(),
                  laterBackends(decision, i, backends),
                  waiters.get())) {
            waiters.incrementAndGet();
            try {
              a = awaitFreeSlot(b, estimatedTokens, preemption, log);
            } finally {
              waiters.decrementAndGet();
            }
          }
        } catch (RuntimeException e) {
          circuit.abandoned();
          throw e;
        }
        if (!a.isAdmitted()) {
          circuit.abandoned();
          log.failed(b.name(), "not sent: " + a.reason());
          Instant until = a.retryAt() != null ? a.retryAt() : Instant.now().plusSeconds(1);
          health.refused(b.name(), until);
          retryAt = earliest(retryAt, until);
          break;
        }
        String request =
            relayed.isEmpty() ? requestJson : Continuation.request(requestJson, relayed.toString());
        Outcome outcome =
            attempt(b, target, request, a, circuit, log, preemption, relay, operation);
        if (outcome.answer != null) {
          return relayed.isEmpty()
              ? outcome.answer
              : outcome.answer.continuing(
                  relayed.toString(), String.join("; ", brokenOff) + "; continued on " + b.name());
        }
        if (!outcome.partialText.isEmpty()) {
          relayed.append(outcome.partialText);
          brokenOff.add(b.name() + " broke off after " + relayed.length() + " characters");
        }
        if (outcome.coolingUntil != null) {
          retryAt = earliest(retryAt, outcome.coolingUntil);
          break;
        }
        failed = true;
        if (outcome.moveOn) {
          break;
        }
      }
    }
    if (!failed && retryAt != null) {
      // Nothing failed: every candidate refused for now (limits, cooldowns, 429s). Wait.
      throw new BackendsBusyException(log.summary(), retryAt);
    }
    throw new BackendsExhaustedException(
        log.summary().isEmpty() ? "no candidate backend" : log.summary());
  }

  /**
   * @param coolingUntil the backend answered 429 or asked for a pause: not a failure of the task
   * @param moveOn the next attempt should go to the next backend
   */
  private record Outcome(
      ChatAnswer answer, boolean moveOn, Instant coolingUntil, String partialText) {
    Outcome(ChatAnswer answer, boolean moveOn, Instant coolingUntil) {
      this(answer, moveOn, coolingUntil, "");
    }
  }

  private Outcome attempt(
      BackendDefinition b,
      BackendTarget target,
      String requestJson,
      Admission a,
      BackendCircuit circuit,
      AttemptLog log,
      Preemption preemption,
      Relay relay,
      BackendOperation operation) {
    long start = System.nanoTime();
    String outcome = "error";
    boolean settled = false;
    health.started(b.name());
    try {
      ChatAnswer answer = operation.perform(target, requestJson, relay);
      outcome = "ok";
      circuit.success();
      settled = true;
      health
          .latency(b.name())
          .record(
              answer.firstTokenMs(),
              answer.latencyMs(),
              answer.completionTokens() == null ? 0 : answer.completionTokens());
      release(a, tokens(answer));
      if (answer.cooldownUntil() != null) {
        try {
          admission.coolDown(b.name(), answer.cooldownUntil(), "rate budget used up");
        } catch (RuntimeException e) {
          // The answer is good; the next request will learn the limit from a 429 instead.
        }
      }
      return new Outcome(answer, false, null);
    } catch (RetryableBackendException e) {
      settled = true;
      release(a, null);
      log.failedTransiently(b.name(), e.getMessage());
      if (e.status() == 429 || e.cooldownUntil() != null) {
        circuit.abandoned();
        Instant until =
            e.cooldownUntil() != null ? e.cooldownUntil() : Instant.now().plusSeconds(1);
        admission.coolDown(b.name(), until, "HTTP " + e.status() + " from " + b.name());
        return new Outcome(null, true, until);
      }
      circuit.failure();
      return new Outcome(null, false, null, relay.active() ? e.partialText() : "");
    } catch (RejectedByBackendException e) {
      settled = true;
      release(a, null);
      circuit.abandoned();
      log.failed(b.name(), e.getMessage());
      return new Outcome(null, true, null);
    } catch (InterruptedException e) {
      settled = true;
      release(a, null);
      circuit.abandoned();
      outcome = preemption.preempted() ? "preempted" : "timeout";
      if (preemption.preempted()) {
        throw new PreemptedException();
      }
      // The chain's @Timeout or the stopping container interrupted us.
      Thread.currentThread().interrupt();
      log.failedTransiently(b.name(), "interrupted");
      throw new CallInterruptedException(log.summary());
    } finally {
      if (!settled) {
        // Something unexpected: give the admission row and a half-open trial back.
        release(a, null);
        circuit.abandoned();
      }
      health.finished(b.name());
      metrics
          .timer("renqueue.backend.call", new Tag("backend", b.name()), new Tag("outcome", outcome))
          .update(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private static List<BackendDefinition> laterBackends(
      RoutingDecision decision, int index, Map<String, BackendDefinition> backends) {
    return decision.candidates().subList(index + 1, decision.candidates().size()).stream()
        .map(c -> backends.get(c.backend()))
        .toList();
  }

  /** Asks again every 25 ms, up to {@code wait-for-free-ms}, for a slot on a full free backend. */
  private Admission awaitFreeSlot(
      BackendDefinition b, int estimatedTokens, Preemption preemption, AttemptLog log) {
    long deadline = System.nanoTime() + waitForFreeMs * 1_000_000;
    Admission a = admit(b, estimatedTokens);
    while (!a.isAdmitted() && a.retryAt() == null && System.nanoTime() < deadline) {
      pause(Duration.ofMillis(25), preemption, log);
      a = admit(b, estimatedTokens);
    }
    return a;
  }

  /**
   * A backend without limits has no budget row to lock: its cooldown is the only check, one plain
   * statement rather than a container transaction per request.
   */
  private Admission admit(BackendDefinition b, int estimatedTokens) {
    return b.limits().isLimited()
        ? admission.admit(b, estimatedTokens)
        : cooldowns.admitUnlimited(b.name());
  }

  /** Best effort: an unreleased row stops counting when it expires anyway. */
  private void release(Admission a, Integer tokens) {
    if (a.callId() == null || a.callId() == Admission.UNCOUNTED) {
      return;
    }
    try {
      admission.release(a.callId(), tokens);
    } catch (RuntimeException e) {
      // expires_at bounds it
    }
  }

  private static void pause(Duration wait, Preemption preemption, AttemptLog log) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      if (preemption.preempted()) {
        throw new PreemptedException();
      }
      Thread.currentThread().interrupt();
      throw new CallInterruptedException(log.summary() + "; interrupted between attempts");
    }
  }

  private static Integer tokens(ChatAnswer a) {
    if (a.promptTokens() == null) {
      return null;
    }
    return a.promptTokens() + (a.completionTokens() == null ? 0 : a.completionTokens());
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  private static String apiKey(BackendDefinition b) {
    return b.apiKeyEnv() == null ? null : System.getenv(b.apiKeyEnv());
  }
}
