package io.renqueue.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The backlog's size must not show in the cost of the hot path: submit latency and the claim's own
 * time with {@code backlog} tasks QUEUED (bulk-loaded batch work of another tenant) against the
 * same with an empty queue, the sequential scans of the task table the servers made meanwhile
 * (every query the claim and the sweep run should use an index), and then retention: the same
 * tasks, ended a month ago, deleted by the sweep in bounded batches while submissions go on.
 */
final class BacklogScale {

  private static final String TENANT = "bench-backlog";
  private static final int PROBE_TASKS = 400;
  private static final int PROBE_CLIENTS = 4;

  private final BenchConfig config;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  BacklogScale(BenchConfig config) {
    this.config = config;
  }

  private record Probe(long submitP50, long submitP99, double claimMeanMs, long claims) {}

  String run(int backlog) throws Exception {
    say("backlog: probe on an empty queue");
    probe("warm-up");
    Probe idle = probe("idle");
    say("backlog: bulk-loading " + backlog + " QUEUED tasks");
    long loadStart = System.nanoTime();
    bulkLoad(backlog);
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    long seqBefore = sequentialScans();
    Probe loaded = probe("loaded");
    long seqDuring = sequentialScans() - seqBefore;
    int left = queuedBacklog();

    say("backlog: ending the backlog a month ago, then the sweep's retention deletes it");
    endBacklogLongAgo();
    int ended = endedBacklog();
    AtomicBoolean purging = new AtomicBoolean(true);
    long purgeStart = System.nanoTime();
    ExecutorService probeThread = Executors.newSingleThreadExecutor();
    Future<Probe> duringPurge =
        probeThread.submit(
            () -> {
              List<Long> submits = new ArrayList<>();
              int i = 0;
              while (purging.get()) {
                long t0 = System.nanoTime();
                submit("purge-probe " + UUID.randomUUID(), i++);
                submits.add((System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(20);
              }
              Percentiles p = new Percentiles(submits.stream().mapToLong(x -> x).toArray());
              return new Probe(p.at(50), p.at(99), 0, submits.size());
            });
    double purgeSeconds;
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (endedBacklog() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      purgeSeconds = (System.nanoTime() - purgeStart) / 1e9;
    } finally {
      purging.set(false);
    }
    Probe purge = duringPurge.get();
    probeThread.shutdown();
    int notPurged = endedBacklog();

    return String.format(
        Locale.ROOT,
        """
        ### Backlog of %,d QUEUED tasks, and retention

        Probe: %d chat tasks (normal priority) from %d clients, single POSTs; claim time from the \
        worker's `renqueue_claim_duration_seconds{found="true"}` (mean over the probe's claims). \
        Backlog: batch tasks of another tenant, bulk-loaded in %.0f s; the 8 slots keep claiming \
        them between probe tasks (%,d still QUEUED after the probe).

        | | empty queue | %,d queued | **ratio** (target ≤ 2) |
        |---|---|---|---|
        | submit p50 / p99 (ms) | %d / %d | %d / %d | **%.2f** (p99) |
        | claim statement, mean (ms) | %.2f (%d claims) | %.2f (%d claims) | **%.2f** |

        Sequential scans of `task` by anything while the backlog was queued: **%d** \
        (`pg_stat_user_tables.seq_scan`; the probe itself only posts).

        Retention: %,d tasks ended a month ago deleted by the sweep (`renqueue.retention.*` \
        defaults: 5,000 per DELETE, 2 s per sweep, sweep every 5 s) in **%.1f s** (target ≤ 60; \
        %,d left); %d submissions meanwhile, p50 / p99 %d / %d ms (**%.2f** × the idle p99, \
        target ≤ 2).
        """,
        backlog,
        PROBE_TASKS,
        PROBE_CLIENTS,
        loadSeconds,
        left,
        backlog,
        idle.submitP50(),
        idle.submitP99(),
        loaded.submitP50(),
        loaded.submitP99(),
        (double) loaded.submitP99() / Math.max(1, idle.submitP99()),
        idle.claimMeanMs(),
        idle.claims(),
        loaded.claimMeanMs(),
        loaded.claims(),
        loaded.claimMeanMs() / idle.claimMeanMs(),
        seqDuring,
        ended,
        purgeSeconds,
        notPurged,
        purge.claims(),
        purge.submitP50(),
        purge.submitP99(),
        (double) purge.submitP99() / Math.max(1, idle.submitP99()));
  }

  /** Submits the probe tasks, waits until they all SUCCEEDED, and reads the claim timer. */
  private Probe probe(String label) throws Exception {
    String run = label + "-" + UUID.randomUUID();
    double[] claimBefore = claimTimer();
    long[] submitMs = new long[PROBE_TASKS];
    UUID[] ids = new UUID[PROBE_TASKS];
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(PROBE_CLIENTS);
    List<Future<?>> work = new ArrayList<>();
    for (int c = 0; c < PROBE_CLIENTS; c++) {
      work.add(
          clients.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < PROBE_TASKS; i = next.getAndIncrement()) {
                  long t0 = System.nanoTime();
                  ids[i] = submit(run, i);
                  submitMs[i] = (System.nanoTime() - t0) / 1_000_000;
                  Thread.sleep(10);
                }
                return null;
              }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    clients.shutdown();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (succeeded(ids) < PROBE_TASKS) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("probe tasks did not all succeed within 5 minutes");
      }
      Thread.sleep(200);
    }
    double[] claimAfter = claimTimer();
    double claims = claimAfter[0] - claimBefore[0];
    double seconds = claimAfter[1] - claimBefore[1];
    Percentiles p = new Percentiles(submitMs);
    return new Probe(p.at(50), p.at(99), claims == 0 ? 0 : seconds * 1000 / claims, (long) claims);
  }

  private UUID submit(String run, int i) throws Exception {
    String body =
        "{\"model\":\"sim-small\",\"priority\":\"normal\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
            + run
            + " task "
            + i
            + "\"}]}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(config.apiUrl() + "/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("POST answered " + r.statusCode());
    }
    return UUID.fromString(
        jakarta.json.Json.createReader(new java.io.StringReader(r.body()))
            .readObject()
            .getString("id"));
  }

  /** Count and total seconds of claims that found a task, from the server's metrics. */
  private double[] claimTimer() throws Exception {
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(config.apiUrl() + "/metrics?scope=application"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return new double[] {
      value(metrics, "renqueue_claim_duration_seconds_count\\{found=\"true\"[^}]*} ([0-9.E+-]+)"),
      value(metrics, "renqueue_claim_duration_seconds_sum\\{found=\"true\"[^}]*} ([0-9.E+-]+)")
    };
  }

  private static double value(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private void bulkLoad(int n) throws SQLException {
    try (Connection c = db();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO tenant (id, name, weight, virtual_tokens)"
              + " SELECT '"
              + TENANT
              + "', '"
              + TENANT
              + "', 1, 0 ON CONFLICT (id) DO NOTHING");
      // Already dispatched (a token each would be on the broker): only the sweep's head renewal
      // and the slots' claims see them, as with a real backlog.
      s.executeUpdate(
          "INSERT INTO task (id, tenant_id, type, model, priority, state, request_json,"
              + " created_at, dispatch_priority, dispatched_at, estimated_tokens)"
              + " SELECT gen_random_uuid(), '"
              + TENANT
              + "', 'CHAT', 'sim-small', 'BATCH', 'QUEUED',"
              + " '{\"model\":\"sim-small\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
              + "\"content\":\"backlog ' || g || '\"}]}',"
              + " now() - make_interval(secs => g / 1000.0), 0, now(), 20"
              + " FROM generate_series(1, "
              + n
              + ") g");
      s.execute("ANALYZE task");
    }
  }

  private void endBacklogLongAgo() throws SQLException {
    try (Connection c = db();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE task SET state = 'SUCCEEDED', finished_at = now() - interval '30 days'"
              + " WHERE tenant_id = '"
              + TENANT
              + "' AND state = 'QUEUED'");
      s.execute("ANALYZE task");
    }
  }

  private long sequentialScans() throws SQLException {
    return single("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'task'");
  }

  private int queuedBacklog() throws SQLException {
    return (int)
        single("SELECT count(*) FROM task WHERE tenant_id = '" + TENANT + "' AND state = 'QUEUED'");
  }

  private int endedBacklog() throws SQLException {
    return (int)
        single(
            "SELECT count(*) FROM task WHERE state = 'SUCCEEDED'"
                + " AND finished_at < now() - interval '29 days'");
  }

  /** By primary key: the probe must not scan the table it measures. */
  private int succeeded(UUID[] ids) throws SQLException {
    try (Connection c = db();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM task WHERE id = ANY (?) AND state = 'SUCCEEDED'")) {
      q.setArray(1, c.createArrayOf("uuid", ids));
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private long single(String sql) throws SQLException {
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Connection db() throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
  }

  private static void say(String line) {
    System.out.println("[bench] " + line);
  }
}
