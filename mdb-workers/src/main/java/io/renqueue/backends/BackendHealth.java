package io.renqueue.backends;

import io.renqueue.routing.BackendDefinition;
import io.renqueue.routing.BackendStatus;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * What this server has seen of each backend: its circuit, its recent latencies, its requests in
 * flight from here. Cooldowns and rate budgets are cluster-wide and live in the database instead.
 *
 * <pre>
 * renqueue.circuit.window=10            outcomes remembered per backend
 * renqueue.circuit.minimum-calls=5      outcomes needed before the circuit may open
 * renqueue.circuit.failure-ratio=0.5    share of failures that opens it
 * renqueue.circuit.open-seconds=10      how long it stays open before a trial call
 * </pre>
 */
@ApplicationScoped
public class BackendHealth {

  private final Map<String, BackendCircuit> circuits = new ConcurrentHashMap<>();
  private final Map<String, LatencyWindow> latencies = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Instant> refusedUntil = new ConcurrentHashMap<>();
  private int window;
  private int minimumCalls;
  private double failureRatio;
  private Duration openFor;

  @PostConstruct
  void load() {
    Config c = ConfigProvider.getConfig();
    window = c.getOptionalValue("renqueue.circuit.window", Integer.class).orElse(10);
    minimumCalls = c.getOptionalValue("renqueue.circuit.minimum-calls", Integer.class).orElse(5);
    failureRatio = c.getOptionalValue("renqueue.circuit.failure-ratio", Double.class).orElse(0.5);
    openFor =
        Duration.ofSeconds(
            c.getOptionalValue("renqueue.circuit.open-seconds", Long.class).orElse(10L));
  }

  public BackendCircuit circuit(String backend) {
    return circuits.computeIfAbsent(
        backend,
        b ->
            new BackendCircuit(
                window, Math.min(minimumCalls, window), failureRatio, openFor, Clock.systemUTC()));
  }

  public LatencyWindow latency(String backend) {
    return latencies.computeIfAbsent(backend, b -> new LatencyWindow(50));
  }

  public void started(String backend) {
    inFlight.computeIfAbsent(backend, b -> new AtomicInteger()).incrementAndGet();
  }

  public void finished(String backend) {
    inFlight.computeIfAbsent(backend, b -> new AtomicInteger()).decrementAndGet();
  }

  /** The backend refused us (its limits, as counted by admission) until about then. */
  public void refused(String backend, Instant until) {
    refusedUntil.put(backend, until);
  }

  /** The router's view of every backend, with the cluster's cooldowns. */
  public Map<String, BackendStatus> snapshot(
      List<BackendDefinition> backends, Map<String, Instant> cooldowns, Instant now) {
    Map<String, BackendStatus> status = new HashMap<>();
    for (BackendDefinition b : backends) {
      LatencyWindow l = latency(b.name());
      Instant refused = refusedUntil.get(b.name());
      double headroom = refused != null && refused.isAfter(now) ? 0 : 1;
      BackendCircuit circuit = circuits.get(b.name());
      status.put(
          b.name(),
          new BackendStatus(
              b.name(),
              l.ttftPercentile(50),
              l.tokensPerSecondPercentile(50),
              inFlight.getOrDefault(b.name(), new AtomicInteger()).get(),
              headroom,
              cooldowns.get(b.name()),
              circuit != null && circuit.state() == BackendCircuit.State.OPEN));
    }
    return status;
  }
}
