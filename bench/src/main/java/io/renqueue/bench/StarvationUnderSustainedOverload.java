package io.renqueue.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * No starvation: critical work arrives at the slots' full capacity for longer than the aging bound,
 * and a few batch tasks arrive early on. Every batch task must still complete, within the
 * documented bound ({@code AgingPolicy.starvationBound}) plus one task's service time:
 *
 * <pre>bound = (ceiling − 0) × step + sweep interval + backlog ahead × service time ÷ slots</pre>
 *
 * where the backlog ahead is the work accepted before the batch task that still waited when the
 * task reached the ceiling; it is measured from the database, per batch task.
 */
final class StarvationUnderSustainedOverload {

  record BatchTask(String id, Instant created, Instant started, String state, long backlogAhead) {}

  private final BenchConfig config;
  private final HttpClient http = HttpClient.newHttpClient();

  StarvationUnderSustainedOverload(BenchConfig config) {
    this.config = config;
  }

  /**
   * @param stepSeconds the stack's renqueue.aging.step-seconds
   * @param ceiling the stack's renqueue.aging.ceiling
   * @param sweepSeconds the stack's renqueue.sweep.interval-seconds
   */
  String run(
      int slots,
      int backendMillis,
      Duration overload,
      int batchTasks,
      long stepSeconds,
      int ceiling,
      long sweepSeconds,
      List<String> simulators)
      throws Exception {
    for (String sim : simulators) {
      post(sim + "/sim/config", "{\"first_token_ms\":" + backendMillis + "}");
    }
    String runId = "starve-" + UUID.randomUUID();
    // Critical arrivals at the slots' nominal capacity: slots / service time per second.
    long periodMicros = backendMillis * 1000L / slots;
    ScheduledExecutorHolder critical = new ScheduledExecutorHolder(config.clients());
    Instant start = Instant.now();
    critical.submitEvery(periodMicros, overload, n -> submit(runId + " critical " + n, "critical"));
    Thread.sleep(Math.min(5_000, overload.toMillis() / 10));
    for (int i = 0; i < batchTasks; i++) {
      submit(runId + " batch " + i, "batch");
    }
    critical.awaitEnd();
    List<BatchTask> batch = awaitBatch(runId, batchTasks, stepSeconds * ceiling + sweepSeconds);
    for (String sim : simulators) {
      post(sim + "/sim/config", "{\"first_token_ms\":0}");
    }
    Duration climb = Duration.ofSeconds(stepSeconds * ceiling + sweepSeconds);
    Duration service = Duration.ofMillis(backendMillis);
    long completed = batch.stream().filter(b -> b.state().equals("SUCCEEDED")).count();
    long withinBound = 0;
    long worstWaitMs = 0;
    long worstBoundMs = 0;
    for (BatchTask b : batch) {
      long waitMs = Duration.between(b.created(), b.started()).toMillis();
      long boundMs = climb.plus(service.multipliedBy(b.backlogAhead()).dividedBy(slots)).toMillis();
      if (waitMs <= boundMs + service.toMillis()) {
        withinBound++;
      }
      if (waitMs > worstWaitMs) {
        worstWaitMs = waitMs;
        worstBoundMs = boundMs;
      }
    }
    return String.format(
            Locale.ROOT,
            """
        ### No starvation under sustained critical overload

        | measure | value |
        |---|---|
        | load | critical tasks at %d/s (%d slots × %d ms backend = 100%% of capacity) for %d s, %d batch tasks %.0f s in |
        | aging | one step per %d s up to %d, sweep every %d s: a batch task is at the ceiling after at most %d s |
        | batch tasks completed | %d of %d |
        | batch tasks started within bound + one service time | %d of %d |
        | longest batch wait / its bound (ms) | %d / %d (+ %d service) |
        """,
            1_000_000 / periodMicros,
            slots,
            backendMillis,
            overload.toSeconds(),
            batchTasks,
            Math.min(5_000, overload.toMillis() / 10) / 1000.0,
            stepSeconds,
            ceiling,
            sweepSeconds,
            climb.toSeconds(),
            completed,
            batchTasks,
            withinBound,
            batchTasks,
            worstWaitMs,
            worstBoundMs,
            service.toMillis())
        + String.format(
            Locale.ROOT,
            "\nRun started %s; the bound uses the measured backlog ahead of each batch task.\n",
            start);
  }

  private List<BatchTask> awaitBatch(String runId, int expected, long climbSeconds)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement live =
            c.prepareStatement(
                "SELECT count(*) FROM task WHERE state IN ('QUEUED','RUNNING') AND request_json LIKE ?");
        // Work accepted before the batch task that had not started when it reached the ceiling.
        PreparedStatement rows =
            c.prepareStatement(
                "SELECT b.id, b.created_at, b.started_at, b.state,"
                    + " (SELECT count(*) FROM task o WHERE o.request_json LIKE ? AND o.id <> b.id"
                    + " AND o.created_at < b.created_at"
                    + " AND (o.started_at IS NULL OR o.started_at > b.created_at + make_interval(secs => ?)))"
                    + " FROM task b WHERE b.request_json LIKE ?")) {
      live.setString(1, "%" + runId + "%");
      while (true) {
        try (ResultSet rs = live.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == 0) {
            break;
          }
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("Starvation run did not finish within 15 minutes");
        }
        Thread.sleep(1000);
      }
      rows.setString(1, "%" + runId + "%");
      rows.setDouble(2, (double) climbSeconds);
      rows.setString(3, "%" + runId + " batch %");
      List<BatchTask> batch = new ArrayList<>();
      try (ResultSet rs = rows.executeQuery()) {
        while (rs.next()) {
          batch.add(
              new BatchTask(
                  rs.getString(1),
                  rs.getTimestamp(2).toInstant(),
                  rs.getTimestamp(3).toInstant(),
                  rs.getString(4),
                  rs.getLong(5)));
        }
      }
      if (batch.size() != expected) {
        throw new IllegalStateException("Expected " + expected + " batch tasks, found " + batch);
      }
      return batch;
    }
  }

  private void submit(String prompt, String priority) {
    try {
      HttpResponse<Void> r =
          post(
              config.apiUrl() + "/api/v1/tasks",
              "{\"model\":\"sim-small\",\"priority\":\""
                  + priority
                  + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
                  + prompt
                  + "\"}]}");
      if (r.statusCode() != 202) {
        throw new IllegalStateException("POST answered " + r.statusCode());
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<Void> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  /** Submits at a fixed rate from a pool, so a slow POST does not lower the arrival rate. */
  private static final class ScheduledExecutorHolder {
    private final java.util.concurrent.ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService senders;
    private final java.util.concurrent.atomic.AtomicInteger sent =
        new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.CountDownLatch ended =
        new java.util.concurrent.CountDownLatch(1);

    ScheduledExecutorHolder(int threads) {
      senders = Executors.newFixedThreadPool(threads);
    }

    void submitEvery(long periodMicros, Duration total, java.util.function.IntConsumer submission) {
      Instant end = Instant.now().plus(total);
      timer.scheduleAtFixedRate(
          () -> {
            if (Instant.now().isAfter(end)) {
              ended.countDown();
              return;
            }
            int n = sent.getAndIncrement();
            senders.submit(() -> submission.accept(n));
          },
          0,
          periodMicros,
          TimeUnit.MICROSECONDS);
    }

    void awaitEnd() throws InterruptedException {
      ended.await();
      timer.shutdownNow();
      senders.shutdown();
      senders.awaitTermination(2, TimeUnit.MINUTES);
    }
  }
}
