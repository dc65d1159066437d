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
import java.util.concurrent.Future;

/**
 * Strict priority under overload: a backlog of batch work several times what the slots can do at
 * once, then critical tasks trickling in. Counts priority inversions (a batch task starting while a
 * critical one waits) and compares the p99 waits of the two levels.
 */
final class PriorityUnderOverload {

  /** A batch start within this long after a critical arrival counts as already in flight. */
  static final Duration IN_FLIGHT_GRACE = Duration.ofMillis(100);

  record Sample(String priority, Instant created, Instant started) {
    long waitMillis() {
      return Duration.between(created, started).toMillis();
    }
  }

  private final BenchConfig config;
  private final HttpClient http = HttpClient.newHttpClient();

  PriorityUnderOverload(BenchConfig config) {
    this.config = config;
  }

  String run(int batchTasks, int criticalTasks, int backendMillis, List<String> simulators)
      throws Exception {
    for (String sim : simulators) {
      post(sim + "/sim/config", "{\"first_token_ms\":" + backendMillis + "}");
    }
    String runId = "overload-" + UUID.randomUUID();
    ExecutorService clients = Executors.newFixedThreadPool(config.clients());
    try {
      List<Future<?>> batch = new ArrayList<>();
      for (int i = 0; i < batchTasks; i++) {
        int n = i;
        batch.add(clients.submit(() -> submit(runId + " batch " + n, "batch")));
      }
      for (Future<?> f : batch) {
        f.get();
      }
      // Critical work arrives while the batch backlog is being worked off, ten a second.
      for (int i = 0; i < criticalTasks; i++) {
        submit(runId + " critical " + i, "critical");
        Thread.sleep(100);
      }
    } finally {
      clients.shutdown();
    }
    List<Sample> samples = awaitSamples(runId, batchTasks + criticalTasks);
    for (String sim : simulators) {
      post(sim + "/sim/config", "{\"first_token_ms\":0}");
    }
    return report(samples, batchTasks, criticalTasks, backendMillis);
  }

  static String report(List<Sample> samples, int batchTasks, int criticalTasks, int backendMillis) {
    List<Sample> critical = samples.stream().filter(s -> s.priority().equals("CRITICAL")).toList();
    List<Sample> batch = samples.stream().filter(s -> s.priority().equals("BATCH")).toList();
    long inversions = 0;
    long inversionsBeyondGrace = 0;
    for (Sample b : batch) {
      for (Sample c : critical) {
        if (c.created().isBefore(b.started()) && c.started().isAfter(b.started())) {
          inversions++;
          if (Duration.between(c.created(), b.started()).compareTo(IN_FLIGHT_GRACE) > 0) {
            inversionsBeyondGrace++;
          }
        }
      }
    }
    Percentiles cw = new Percentiles(critical.stream().mapToLong(Sample::waitMillis).toArray());
    Percentiles bw = new Percentiles(batch.stream().mapToLong(Sample::waitMillis).toArray());
    return String.format(
        Locale.ROOT,
        """
        ### Priority under overload

        | measure | value |
        |---|---|
        | batch backlog, then critical arrivals (10/s) | %d batch, %d critical; backend answers in %d ms; 8 slots |
        | priority inversions (batch started while a critical waited) | %d (%d more than %d ms after the critical arrived) |
        | critical wait p50 / p99 (ms) | %d / %d |
        | batch wait p50 / p99 (ms) | %d / %d |
        | **p99 critical ÷ p99 batch** | **%.3f** (target ≤ 0.05) |
        """,
        batchTasks,
        criticalTasks,
        backendMillis,
        inversions,
        inversionsBeyondGrace,
        IN_FLIGHT_GRACE.toMillis(),
        cw.at(50),
        cw.at(99),
        bw.at(50),
        bw.at(99),
        bw.at(99) == 0 ? 0.0 : cw.at(99) / (double) bw.at(99));
  }

  private List<Sample> awaitSamples(String runId, int expected) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement done =
            c.prepareStatement(
                "SELECT count(*) FROM task WHERE state IN ('SUCCEEDED','FAILED') AND request_json LIKE ?");
        PreparedStatement rows =
            c.prepareStatement(
                "SELECT priority, created_at, started_at FROM task WHERE request_json LIKE ?")) {
      done.setString(1, "%" + runId + "%");
      while (true) {
        try (ResultSet rs = done.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= expected) {
            break;
          }
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("Overload run did not finish within 15 minutes");
        }
        Thread.sleep(1000);
      }
      rows.setString(1, "%" + runId + "%");
      List<Sample> samples = new ArrayList<>();
      try (ResultSet rs = rows.executeQuery()) {
        while (rs.next()) {
          samples.add(
              new Sample(
                  rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant()));
        }
      }
      return samples;
    }
  }

  private Object submit(String prompt, String priority) throws Exception {
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
    return null;
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
}
