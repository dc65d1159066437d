package io.renqueue.stack;

import java.util.List;
import java.util.Map;

/**
 * What the launcher starts: ports, the backend simulators and the Liberty servers with their roles.
 * {@code run} is the quick start (one API/scheduler server, two GPU worker servers); {@code test}
 * is what the integration tests run against, on other ports and with short timeouts.
 */
public record Topology(
    String name,
    int databasePort,
    int brokerPort,
    List<Simulator> simulators,
    List<Server> servers,
    Map<String, String> settings) {

  /** A simulated OpenAI-compatible backend and how long it takes to answer. */
  public record Simulator(String name, int port, int firstTokenMs) {
    public String baseUrl() {
      return "http://127.0.0.1:" + port + "/v1";
    }
  }

  /**
   * A Liberty server: the API/scheduler role, the worker role (with slots), or both; {@code
   * settings} are its own variables on top of the topology's.
   */
  public record Server(
      String name,
      int httpPort,
      int httpsPort,
      boolean scheduler,
      int workerSlots,
      Map<String, String> settings) {

    public Server(String name, int httpPort, int httpsPort, boolean scheduler, int workerSlots) {
      this(name, httpPort, httpsPort, scheduler, workerSlots, Map.of());
    }

    public boolean worker() {
      return workerSlots > 0;
    }

    public String url() {
      return "http://127.0.0.1:" + httpPort;
    }
  }

  public static Topology named(String name) {
    return switch (name) {
      case "run" -> run();
      case "test" -> test();
      case "bench" -> bench();
      case "bench-aging" -> benchAging();
      case "bench-routing" -> benchRouting();
      case "chaos" -> chaos();
      default ->
          throw new IllegalArgumentException(
              "Unknown topology '"
                  + name
                  + "' (use run, test, bench, bench-aging, bench-routing or chaos)");
    };
  }

  static Topology run() {
    return new Topology(
        "run",
        15432,
        61616,
        List.of(new Simulator("sim-a", 8091, 20), new Simulator("sim-b", 8092, 20)),
        List.of(
            new Server("renqueue-api", 9080, 9443, true, 0),
            new Server("renqueue-worker-1", 9081, 9444, false, 4),
            new Server("renqueue-worker-2", 9082, 9445, false, 4)),
        Map.of());
  }

  static Topology test() {
    return new Topology(
        "test",
        25432,
        61626,
        List.of(
            new Simulator("sim-a", 18091, 20),
            new Simulator("sim-b", 18092, 20),
            new Simulator("sim-c", 18093, 20)),
        List.of(
            new Server("it-api", 19080, 19443, true, 0),
            new Server("it-worker", 19081, 19444, false, 2)),
        // Short timeouts and sweeps so failure paths finish in seconds; circuits that never open,
        // so the retry counts the tests assert are not cut short by an earlier test's failures.
        // sim-b is priced, so the cost policy always tries the free sim-a first; sim-c alone serves
        // sim-limited, one request at a time, for the rate-limit tests, and sim-huge, which
        // degrades
        // to sim-small when sim-c fails.
        Map.ofEntries(
            Map.entry("renqueue.backend.sim-a.models", "sim-small,sim-slow,sim-large"),
            Map.entry("renqueue.backend.sim-b.models", "sim-small,sim-slow,sim-large"),
            Map.entry("renqueue.backend.sim-c.models", "sim-limited,sim-huge"),
            Map.entry("renqueue.routing.degraded-models", "sim-huge=sim-small"),
            Map.entry("renqueue.backend.sim-c.kind", "cloud-free"),
            Map.entry("renqueue.backend.sim-c.limits.max-concurrency", "1"),
            Map.entry("backend.timeout-ms", "1500"),
            Map.entry("backend.max-retries", "2"),
            // A lease far shorter than the retry chains some tests run (about 9 s): they only
            // pass if the heartbeat renews it.
            Map.entry("renqueue.worker.lease-seconds", "5"),
            Map.entry("renqueue.retry.delay-seconds", "1"),
            Map.entry("renqueue.node.heartbeat-seconds", "1"),
            Map.entry("renqueue.node.gpu", "sim-gpu:24576"),
            Map.entry("renqueue.models.gpu-memory-mib", "sim-large=16000"),
            Map.entry("renqueue.sweep.interval-seconds", "1"),
            Map.entry("renqueue.preemption.after-seconds", "2"),
            Map.entry("renqueue.circuit.window", "100000"),
            Map.entry("renqueue.circuit.minimum-calls", "100000"),
            Map.entry("io.renqueue.backends.RoutedCall/call/Timeout/value", "18000"),
            Map.entry("renqueue.backend.sim-a.kind", "local"),
            Map.entry("renqueue.backend.sim-b.kind", "cloud-paid"),
            Map.entry("renqueue.backend.sim-b.price.input-per-1m", "1"),
            Map.entry("renqueue.backend.sim-b.price.output-per-1m", "2")));
  }

  /**
   * One server in both roles with 8 slots and instant simulators: on a 2-core machine every extra
   * JVM competes with the components being measured.
   */
  static Topology bench() {
    return new Topology(
        "bench",
        35432,
        61636,
        List.of(new Simulator("sim-a", 28091, 0), new Simulator("sim-b", 28092, 0)),
        List.of(new Server("bench", 29080, 29443, true, 8)),
        Map.of("renqueue.sweep.interval-seconds", "5"));
  }

  /**
   * The bench stack with aging in seconds instead of minutes, so the starvation bound can be
   * exceeded by a sustained overload within a benchmark run.
   */
  static Topology benchAging() {
    Topology bench = bench();
    return new Topology(
        "bench-aging",
        bench.databasePort(),
        bench.brokerPort(),
        bench.simulators(),
        bench.servers(),
        Map.of(
            "renqueue.sweep.interval-seconds", String.valueOf(BENCH_AGING_SWEEP_SECONDS),
            "renqueue.aging.step-seconds", String.valueOf(BENCH_AGING_STEP_SECONDS)));
  }

  /**
   * The router's acceptance run: one scheduler and two workers (4 slots each), a local backend that
   * takes 2 requests at once, a free cloud quota of 60 requests a minute, and a paid backend. The
   * limits are Ren-Queue's own configuration; the benchmark sets the same limits on the simulators,
   * whose counters then show whether anything got past them.
   */
  static Topology benchRouting() {
    return new Topology(
        "bench-routing",
        35432,
        61636,
        List.of(
            new Simulator("local", 28091, 200),
            new Simulator("free", 28092, 200),
            new Simulator("paid", 28093, 200)),
        List.of(
            new Server("bench-api", 29080, 29443, true, 0),
            new Server("bench-worker-1", 29081, 29444, false, 4),
            new Server("bench-worker-2", 29082, 29445, false, 4)),
        Map.ofEntries(
            Map.entry("renqueue.sweep.interval-seconds", "2"),
            // Named models, not "*": a benchmark part that adds a backend through the admin API
            // for its own model must be the only one serving it.
            Map.entry("renqueue.backend.local.models", "sim-small"),
            Map.entry("renqueue.backend.free.models", "sim-small"),
            Map.entry("renqueue.backend.paid.models", "sim-small"),
            Map.entry("renqueue.backend.local.kind", "local"),
            Map.entry("renqueue.backend.local.limits.max-concurrency", "2"),
            Map.entry("renqueue.backend.free.kind", "cloud-free"),
            Map.entry("renqueue.backend.free.limits.requests-per-minute", "60"),
            Map.entry("renqueue.backend.paid.kind", "cloud-paid"),
            Map.entry("renqueue.backend.paid.price.input-per-1m", "0.5"),
            Map.entry("renqueue.backend.paid.price.output-per-1m", "1.5")));
  }

  /**
   * The chaos tests' cluster: two scheduler servers and two workers (2 slots each) against one
   * database and broker, short leases and heartbeats so a lost node's work moves in seconds, and
   * slow backends so there is always something in flight to kill.
   */
  static Topology chaos() {
    return new Topology(
        "chaos",
        45432,
        61646,
        List.of(new Simulator("sim-a", 38091, 20), new Simulator("sim-b", 38092, 20)),
        List.of(
            new Server("chaos-api-1", 39080, 39443, true, 0),
            new Server("chaos-api-2", 39083, 39446, true, 0),
            // Placement: each worker has one of the models loaded.
            new Server(
                "chaos-worker-1",
                39081,
                39444,
                false,
                2,
                Map.of("renqueue.node.models", "sim-large")),
            new Server(
                "chaos-worker-2",
                39082,
                39445,
                false,
                2,
                Map.of("renqueue.node.models", "sim-small"))),
        Map.ofEntries(
            Map.entry("renqueue.backend.sim-a.kind", "local"),
            Map.entry("renqueue.backend.sim-b.kind", "cloud-paid"),
            Map.entry("renqueue.backend.sim-b.price.input-per-1m", "1"),
            Map.entry("renqueue.backend.sim-b.price.output-per-1m", "2"),
            Map.entry("backend.timeout-ms", "30000"),
            Map.entry("backend.max-retries", "1"),
            Map.entry("renqueue.worker.lease-seconds", "6"),
            Map.entry("renqueue.retry.delay-seconds", "1"),
            Map.entry("renqueue.node.heartbeat-seconds", "1"),
            Map.entry("renqueue.sweep.interval-seconds", "1"),
            Map.entry("renqueue.circuit.window", "100000"),
            Map.entry("renqueue.circuit.minimum-calls", "100000")));
  }

  public static final int BENCH_AGING_STEP_SECONDS = 3;
  public static final int BENCH_AGING_SWEEP_SECONDS = 1;

  public Server apiServer() {
    return servers.stream().filter(Server::scheduler).findFirst().orElse(servers.get(0));
  }
}
