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
            System.getProperty(
                    "bench.parts", "throughput,sync,backlog,overload,fairness,starvation")
                .split(","));
    Report report = new Report(Path.of(config.output()));
    if (parts.contains("throughput")
        || parts.contains("sync")
        || parts.contains("backlog")
        || parts.contains("overload")
        || parts.contains("fairness")) {
      System.setProperty("renqueue.stack.topology", "bench");
      Stack stack = new Stack();
      stack.start();
      try {
        if (parts.contains("throughput")) {
          report.add(measure(config));
        }
        if (parts.contains("sync")) {
          say("sync /v1: direct, via Portkey, via Ren-Queue; then at " + SLOTS + " concurrent");
          report.add(
              new SyncPathOverhead(config, new BenchHttp(config.apiUrl(), stack.adminToken()))
                  .run(SIMULATORS, 60, 200, SLOTS, 15));
          for (String sim : SIMULATORS) {
            new BenchHttp(config.apiUrl(), "")
                .simulator(sim + "/sim/config", "{\"first_token_ms\":0}");
          }
        }
        if (parts.contains("backlog")) {
          report.add(new BacklogScale(config).run(Integer.getInteger("bench.backlog", 1_000_000)));
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
    SubmitToCompleteRun.Result single = renqueue.run(config.tasks(), "measured");
    double cpuPerTask = (cpu.millis() - cpuBefore) / single.tasks();
    jfr.stop();
    say(
        String.format(
            Locale.ROOT, "ren-queue, single POSTs: %.0f tasks/s", single.tasksPerSecond()));
    // 0 leaves the batch run out (a build without batch submission).
    int batch = Integer.getInteger("bench.batch", 100);
    SubmitToCompleteRun.Result batched = null;
    double cpuPerBatchedTask = 0;
    if (batch > 1) {
      double cpuBeforeBatch = cpu.millis();
      batched = renqueue.run(config.tasks(), "batched", batch);
      cpuPerBatchedTask = (cpu.millis() - cpuBeforeBatch) / batched.tasks();
      say(
          String.format(
              Locale.ROOT,
              "ren-queue, batches of %d: %.0f tasks/s",
              batch,
              batched.tasksPerSecond()));
    }
    double after = baseline.measure(DurableWriteBaseline.Mode.DATABASE_AND_BROKER);
    say(String.format(Locale.ROOT, "baseline after: %.0f durable row+message writes/s", after));

    double base = (before + after) / 2;
    StringBuilder report =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                """
                ## Run of %s

                | measure | value |
                |---|---|
                | clients | %d |
                | baseline: 1 KiB row, sync commit (writes/s) | %.0f |
                | baseline: 1 KiB persistent message (writes/s) | %.0f |
                | baseline: row + message per item, before / after / mean (items/s) | %.0f / %.0f / %.0f |
                """,
                Instant.now(),
                config.clients(),
                dbOnly,
                brokerOnly,
                before,
                after,
                base));
    appendRun(report, "single POSTs", single, base, cpuPerTask, "≥ 0.10");
    if (batched != null) {
      appendRun(report, "POSTs of " + batch, batched, base, cpuPerBatchedTask, "≥ 0.25");
    }
    return report.toString();
  }

  private static void appendRun(
      StringBuilder report,
      String how,
      SubmitToCompleteRun.Result r,
      double base,
      double cpuPerTask,
      String target) {
    report.append(
        String.format(
            Locale.ROOT,
            """
            | %s: tasks measured | %d (%d not SUCCEEDED) |
            | %s: Ren-Queue durable submit→complete (tasks/s) | %.1f |
            | %s: **ratio Ren-Queue ÷ baseline** | **%.3f** (target %s; long-term 0.5) |
            | %s: Liberty CPU per task (ms) | %.2f (target ≤ 2) |
            | %s: submit latency per request p50 / p99 (ms) | %d / %d |
            | %s: created→finished p50 / p99 (ms) | %d / %d |
            """,
            how,
            r.tasks(),
            r.failed(),
            how,
            r.tasksPerSecond(),
            how,
            r.tasksPerSecond() / base,
            target,
            how,
            cpuPerTask,
            how,
            r.submitP50Ms(),
            r.submitP99Ms(),
            how,
            r.e2eP50Ms(),
            r.e2eP99Ms()));
  }

  private static void say(String line) {
    System.out.println("[bench] " + line);
  }
}
