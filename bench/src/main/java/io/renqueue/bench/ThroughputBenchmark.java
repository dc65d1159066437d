package io.renqueue.bench;

import io.renqueue.stack.Stack;
import io.renqueue.stack.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Durable submit→complete throughput as a ratio of the raw durable write rate measured in the same
 * run on the same box (the target is ≥ 0.5). Baselines run before and after Ren-Queue and are
 * averaged, because these machines are shared and noisy.
 */
public final class ThroughputBenchmark {

  private ThroughputBenchmark() {}

  private static final List<String> SIMULATORS =
      List.of("http://127.0.0.1:28091", "http://127.0.0.1:28092");
  private static final int SLOTS = 8;

  /** renqueue.aging.ceiling of the bench stacks: the default, critical's priority. */
  private static final int AGING_CEILING = 9;

  /**
   * Starts the bench stack, runs every benchmark, then restarts it with aging in seconds for the
   * starvation run; writes the report and stops the stack.
   */
  public static void main(String[] args) throws Exception {
    BenchConfig config = BenchConfig.fromSystemProperties();
    Set<String> parts =
        Set.of(
            System.getProperty("bench.parts", "throughput,overload,fairness,starvation")
                .split(","));
    Report report = new Report(Path.of(config.output()));
    if (parts.contains("throughput") || parts.contains("overload") || parts.contains("fairness")) {
      System.setProperty("renqueue.stack.topology", "bench");
      Stack stack = new Stack();
      stack.start();
      try {
        if (parts.contains("throughput")) {
          report.add(measure(config));
        }
        if (parts.contains("overload")) {
          say("priority under overload: 600 batch, then 60 critical");
          report.add(new PriorityUnderOverload(config).run(600, 60, 100, SIMULATORS));
        }
        if (parts.contains("fairness")) {
          say("fair share: two tenants submitting 10:1");
          report.add(new FairShareUnderFlood(config).run(30, 1000, SIMULATORS));
        }
      } finally {
        stack.stop();
      }
    }
    if (parts.contains("starvation")) {
      System.setProperty("renqueue.stack.topology", "bench-aging");
      Stack aging = new Stack();
      aging.start();
      try {
        say("starvation: critical at 100% of capacity for 60 s, 20 batch tasks");
        report.add(
            new StarvationUnderSustainedOverload(config)
                .run(
                    SLOTS,
                    500,
                    Duration.ofSeconds(60),
                    20,
                    Topology.BENCH_AGING_STEP_SECONDS,
                    AGING_CEILING,
                    Topology.BENCH_AGING_SWEEP_SECONDS,
                    SIMULATORS));
      } finally {
        aging.stop();
      }
    }
    if (parts.contains("routing")
        || parts.contains("cooldown")
        || parts.contains("split")
        || parts.contains("gateway")
        || parts.contains("scaling")) {
      System.setProperty("renqueue.stack.topology", "bench-routing");
      Stack routing = new Stack();
      routing.start();
      try {
        String local = "http://127.0.0.1:28091";
        String free = "http://127.0.0.1:28092";
        String paid = "http://127.0.0.1:28093";
        BenchHttp http = new BenchHttp(config.apiUrl(), routing.adminToken());
        if (parts.contains("routing")) {
          say("routing: 500 mixed tasks at 15/s over local (2 at once), free (60/min) and paid");
          RoutingUnderLoad bench = new RoutingUnderLoad(config);
          report.add(bench.run(500, 15, local, free, paid));
          say("routing: the local backend fails for 15 s, then heals");
          report.add(bench.outage(local));
        }
        if (parts.contains("cooldown")) {
          say("cooldown: 429 with Retry-After 30 seen by one of two workers");
          report.add(new ClusterCooldown(config, http).run(free));
        }
        if (parts.contains("split")) {
          say("split: 90/10 over 2000 tasks, then rollback");
          report.add(new CanarySplit(config, http).run(2000, local, paid));
        }
        if (parts.contains("scaling")) {
          say("scaling: one worker, then two, backend-bound (500 ms per task)");
          report.add(
              new WorkerScaling(config, http)
                  .run(paid, "bench-worker-2", "http://127.0.0.1:29082", 480));
        }
        if (parts.contains("gateway")) {
          say("gateway: Ren-Queue against Portkey's gateway (static fallback), same workload");
          report.add(new GatewayComparison(config, http).run(local, free, paid, 12, 40));
        }
      } finally {
        routing.stop();
      }
    }
    say("written to " + report.file().toAbsolutePath());
  }

  /** The results so far, rewritten after each part so a later failure keeps the earlier ones. */
  private record Report(Path file, StringBuilder text) {
    Report(Path file) {
      this(file, new StringBuilder());
    }

    void add(String part) throws java.io.IOException {
      System.out.println(part);
      text.append(text.isEmpty() ? "" : "\n").append(part);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
    }
  }

  private static String measure(BenchConfig config) throws Exception {
    DurableWriteBaseline baseline = new DurableWriteBaseline(config);
    SubmitToCompleteRun renqueue = new SubmitToCompleteRun(config);
    baseline.prepare();

    say("warm-up: " + Math.min(500, config.tasks()) + " tasks");
    renqueue.run(Math.min(500, config.tasks()), "warmup");

    double dbOnly = baseline.measure(DurableWriteBaseline.Mode.DATABASE_ONLY);
    double brokerOnly = baseline.measure(DurableWriteBaseline.Mode.BROKER_ONLY);
    double before = baseline.measure(DurableWriteBaseline.Mode.DATABASE_AND_BROKER);
    say(String.format(Locale.ROOT, "baseline before: %.0f durable row+message writes/s", before));
    LibertyCpu cpu = LibertyCpu.of("bench");
    Jfr jfr = Jfr.startIfAsked(cpu.pid(), "throughput");
    double cpuBefore = cpu.millis();
    SubmitToCompleteRun.Result result = renqueue.run(config.tasks(), "measured");
    double cpuPerTask = (cpu.millis() - cpuBefore) / result.tasks();
    jfr.stop();
    say(String.format(Locale.ROOT, "ren-queue: %.0f tasks/s", result.tasksPerSecond()));
    double after = baseline.measure(DurableWriteBaseline.Mode.DATABASE_AND_BROKER);
    say(String.format(Locale.ROOT, "baseline after: %.0f durable row+message writes/s", after));

    double base = (before + after) / 2;
    String report =
        String.format(
            Locale.ROOT,
            """
            ## Run of %s

            | measure | value |
            |---|---|
            | clients | %d |
            | tasks measured | %d (%d not SUCCEEDED) |
            | baseline: 1 KiB row, sync commit (writes/s) | %.0f |
            | baseline: 1 KiB persistent message (writes/s) | %.0f |
            | baseline: row + message per item, before / after / mean (items/s) | %.0f / %.0f / %.0f |
            | Ren-Queue durable submit→complete (tasks/s) | %.1f |
            | **ratio Ren-Queue ÷ baseline** | **%.3f** (target ≥ 0.5) |
            | Liberty CPU per task (ms) | %.2f |
            | submit latency p50 / p99 (ms) | %d / %d |
            | created→finished p50 / p99 (ms) | %d / %d |
            """,
            Instant.now(),
            config.clients(),
            result.tasks(),
            result.failed(),
            dbOnly,
            brokerOnly,
            before,
            after,
            base,
            result.tasksPerSecond(),
            result.tasksPerSecond() / base,
            cpuPerTask,
            result.submitP50Ms(),
            result.submitP99Ms(),
            result.e2eP50Ms(),
            result.e2eP99Ms());
    return report;
  }

  private static void say(String line) {
    System.out.println("[bench] " + line);
  }
}
