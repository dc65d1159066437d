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
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ren-Queue end to end: clients POST chat tasks as fast as the API accepts them, one per request or
 * in batches (a JSON array per request); the clock stops when the database shows every one of them
 * terminal. Each task is a durable task row, its dispatch token, a claim, a backend call and an
 * outcome write. Submit latency is per request.
 */
final class SubmitToCompleteRun {

  record Result(
      int tasks,
      double tasksPerSecond,
      long submitP50Ms,
      long submitP99Ms,
      long e2eP50Ms,
      long e2eP99Ms,
      int failed) {}

  private final BenchConfig config;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  SubmitToCompleteRun(BenchConfig config) {
    this.config = config;
  }

  Result run(int tasks, String label) throws Exception {
    return run(tasks, label, 1);
  }

  /** {@code batch} tasks per request; 1 posts single objects. */
  Result run(int tasks, String label, int batch) throws Exception {
    String runId = label + "-" + UUID.randomUUID();
    int requests = (tasks + batch - 1) / batch;
    long[] submitMs = new long[requests];
    AtomicInteger next = new AtomicInteger();
    long terminalBefore = terminalCount();
    Instant start = Instant.now();
    ExecutorService clients = Executors.newFixedThreadPool(config.clients());
    try {
      Future<?>[] work = new Future<?>[config.clients()];
      for (int c = 0; c < config.clients(); c++) {
        work[c] =
            clients.submit(
                () -> {
                  for (int r = next.getAndIncrement(); r < requests; r = next.getAndIncrement()) {
                    int from = r * batch;
                    int to = Math.min(tasks, from + batch);
                    long t0 = System.nanoTime();
                    if (batch == 1) {
                      submit(runId, from);
                    } else {
                      submitBatch(runId, from, to);
                    }
                    submitMs[r] = (System.nanoTime() - t0) / 1_000_000;
                  }
                  return null;
                });
      }
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      clients.shutdown();
    }
    awaitAllTerminal(tasks, terminalBefore, start);
    Instant end = Instant.now();
    long[] e2e = endToEndMillis(runId);
    Percentiles submit = new Percentiles(submitMs);
    Percentiles e2eP = new Percentiles(e2e);
    double seconds = Duration.between(start, end).toMillis() / 1000.0;
    return new Result(
        tasks,
        tasks / seconds,
        submit.at(50),
        submit.at(99),
        e2eP.at(50),
        e2eP.at(99),
        failed(runId));
  }

  private static String task(String runId, int i) {
    return "{\"model\":\"sim-small\",\"priority\":\"normal\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
        + runId
        + " task "
        + i
        + "\"}]}";
  }

  private void submitBatch(String runId, int from, int to) throws Exception {
    StringBuilder body = new StringBuilder("[");
    for (int i = from; i < to; i++) {
      body.append(i == from ? "" : ",").append(task(runId, i));
    }
    body.append(']');
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(config.apiUrl() + "/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    int accepted =
        r.statusCode() == 200
            ? jakarta.json.Json.createReader(new java.io.StringReader(r.body()))
                .readObject()
                .getInt("accepted")
            : -1;
    if (accepted != to - from) {
      throw new IllegalStateException("batch POST answered " + r.statusCode() + ": " + r.body());
    }
  }

  private void submit(String runId, int i) throws Exception {
    String body = task(runId, i);
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(URI.create(config.apiUrl() + "/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 202) {
      throw new IllegalStateException("POST answered " + r.statusCode());
    }
  }

  /** Polls a cheap count (the bench database holds only benchmark tasks) until all are done. */
  private void awaitAllTerminal(int tasks, long terminalBefore, Instant start) throws Exception {
    Instant deadline = start.plus(Duration.ofMinutes(15));
    while (terminalCount() - terminalBefore < tasks) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Tasks did not all finish within 15 minutes");
      }
      Thread.sleep(100);
    }
  }

  private long terminalCount() throws SQLException {
    try (Connection c = db();
        PreparedStatement q =
            c.prepareStatement("SELECT count(*) FROM task WHERE state IN ('SUCCEEDED','FAILED')");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long[] endToEndMillis(String runId) throws SQLException {
    try (Connection c = db();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT created_at, finished_at FROM task WHERE request_json LIKE ?")) {
      q.setString(1, "%" + runId + "%");
      try (ResultSet rs = q.executeQuery()) {
        java.util.List<Long> values = new java.util.ArrayList<>();
        while (rs.next()) {
          Timestamp created = rs.getTimestamp(1);
          Timestamp finished = rs.getTimestamp(2);
          values.add(finished.getTime() - created.getTime());
        }
        return values.stream().mapToLong(Long::longValue).toArray();
      }
    }
  }

  private int failed(String runId) throws SQLException {
    try (Connection c = db();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM task WHERE state <> 'SUCCEEDED' AND request_json LIKE ?")) {
      q.setString(1, "%" + runId + "%");
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private Connection db() throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
  }
}
