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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The router's acceptance run (topology {@code bench-routing}): 500 tasks of mixed priorities from
 * one scheduler to two workers, faster than the local backend (2 at once, 200 ms each: 10/s) and
 * the free quota (60 a minute) can take them together. The simulators enforce the same limits on
 * their own and count what got past: a request beyond max-concurrency shows in their peak
 * in-flight, one beyond the quota as a 429. Reports where the tasks went and what they cost.
 */
final class RoutingUnderLoad {

  private static final String[] PRIORITIES = {
    "critical", "high", "normal", "normal", "low", "batch"
  };

  private final BenchConfig config;
  private final HttpClient http = HttpClient.newHttpClient();

  RoutingUnderLoad(BenchConfig config) {
    this.config = config;
  }

  String run(int tasks, int perSecond, String local, String free, String paid) throws Exception {
    post(local + "/sim/config", "{\"first_token_ms\":200}");
    post(free + "/sim/config", "{\"first_token_ms\":200,\"requests_per_minute\":60}");
    post(paid + "/sim/config", "{\"first_token_ms\":200}");
    for (String sim : List.of(local, free, paid)) {
      post(sim + "/sim/stats", "");
    }
    String runId = "routing-" + UUID.randomUUID();
    ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
    ExecutorService senders = Executors.newFixedThreadPool(config.clients());
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    Instant start = Instant.now();
    pace.scheduleAtFixedRate(
        () -> {
          int n = sent.getAndIncrement();
          if (n >= tasks) {
            return;
          }
          senders.submit(
              () -> {
                if (!submit(runId + " " + n, PRIORITIES[n % PRIORITIES.length])) {
                  refused.incrementAndGet();
                }
              });
        },
        0,
        1_000_000 / perSecond,
        TimeUnit.MICROSECONDS);
    while (sent.get() < tasks) {
      Thread.sleep(100);
    }
    pace.shutdown();
    senders.shutdown();
    senders.awaitTermination(2, TimeUnit.MINUTES);
    Map<String, long[]> byBackend = awaitDone(runId, tasks);
    Duration took = Duration.between(start, Instant.now());
    var localStats = stats(local);
    var freeStats = stats(free);
    var paidStats = stats(paid);
    StringBuilder rows = new StringBuilder();
    long succeeded = 0;
    for (Map.Entry<String, long[]> e : byBackend.entrySet()) {
      long[] v = e.getValue();
      if (!e.getKey().startsWith("FAILED") && !e.getKey().startsWith("other")) {
        succeeded += v[0];
      }
      rows.append(
          String.format(
              Locale.ROOT,
              "| %s | %d (%.0f %%) | $%.6f |%n",
              e.getKey(),
              v[0],
              100.0 * v[0] / tasks,
              v[1] / 1e9));
    }
    return String.format(
        Locale.ROOT,
        """
            ### Routing under load (local, free quota, paid; 2 workers)

            %d tasks of mixed priorities at %d/s; local backend: 2 at once, 200 ms each (10/s); free quota: 60 requests a minute; paid: unlimited; all 200 ms to the first token. Took %d s; %d submissions refused.

            | served by | tasks | cost |
            |---|---|---|
            %s

            | simulator counter | local | free | paid |
            |---|---|---|---|
            | chat requests | %d | %d | %d |
            | peak in flight | **%d** (limit 2) | %d | %d |
            | answered 429 (over its own limit) | %d | **%d** (limit 60/min) | %d |

            **%d of %d tasks SUCCEEDED**; requests beyond a configured limit: **%d**.
            """,
        tasks,
        perSecond,
        took.toSeconds(),
        refused.get(),
        rows.toString().stripTrailing(),
        localStats.getInt("chat_completions"),
        freeStats.getInt("chat_completions"),
        paidStats.getInt("chat_completions"),
        localStats.getInt("peak_in_flight"),
        freeStats.getInt("peak_in_flight"),
        paidStats.getInt("peak_in_flight"),
        localStats.getInt("rate_limited"),
        freeStats.getInt("rate_limited"),
        paidStats.getInt("rate_limited"),
        succeeded,
        tasks,
        Math.max(0, localStats.getInt("peak_in_flight") - 2) + freeStats.getInt("rate_limited"));
  }

  /**
   * The local backend fails (every call answers 503) for 15 s in a steady stream of tasks, then
   * heals. Reports whether every task still succeeded, how many calls the failing backend got
   * before the workers' circuits opened, and how long after it healed it served again (bound: the
   * circuit's open period, 10 s, plus one task).
   */
  String outage(String local) throws Exception {
    post(local + "/sim/config", "{\"first_token_ms\":200}");
    post(local + "/sim/stats", "");
    String runId = "outage-" + UUID.randomUUID();
    ExecutorService senders = Executors.newFixedThreadPool(config.clients());
    Instant start = Instant.now();
    Instant broken = null;
    Instant healed = null;
    for (int n = 0; n < 150; n++) {
      Instant now = Instant.now();
      if (broken == null && Duration.between(start, now).toSeconds() >= 5) {
        post(local + "/sim/config", "{\"error_rate\":1.0,\"error_status\":503}");
        broken = Instant.now();
      }
      if (healed == null && Duration.between(start, now).toSeconds() >= 20) {
        post(local + "/sim/config", "{\"error_rate\":0}");
        healed = Instant.now();
      }
      int i = n;
      senders.submit(() -> submit(runId + " " + i, "normal"));
      Thread.sleep(200);
    }
    senders.shutdown();
    senders.awaitTermination(2, TimeUnit.MINUTES);
    Map<String, long[]> byBackend = awaitDone(runId, 150);
    int failedCalls = stats(local).getInt("errors_injected");
    Instant backAt = null;
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement first =
            c.prepareStatement(
                "SELECT min(started_at) FROM task WHERE request_json LIKE ? AND backend = 'local'"
                    + " AND state = 'SUCCEEDED' AND started_at > ?")) {
      first.setString(1, "%" + runId + "%");
      first.setTimestamp(2, java.sql.Timestamp.from(healed));
      try (ResultSet rs = first.executeQuery()) {
        if (rs.next() && rs.getTimestamp(1) != null) {
          backAt = rs.getTimestamp(1).toInstant();
        }
      }
    }
    long succeeded =
        byBackend.entrySet().stream()
            .filter(e -> !e.getKey().equals("FAILED"))
            .mapToLong(e -> e.getValue()[0])
            .sum();
    return String.format(
        Locale.ROOT,
        """
        ### Local backend outage

        150 tasks at 5/s; the local backend answers 503 to every call from 5 s to 20 s, then heals. Circuits: open after half of the last 10 outcomes (at least 5) failed, for 10 s, then one trial call.

        | measure | value |
        |---|---|
        | tasks SUCCEEDED | **%d of 150** (%s) |
        | calls the failing local backend received | %d (from 2 workers, 3 attempts per task before falling back) |
        | local serving again after it healed | %s |
        """,
        succeeded,
        byBackend.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0]).toList(),
        failedCalls,
        backAt == null
            ? "not within the run"
            : "after "
                + Duration.between(healed, backAt).toMillis()
                + " ms (bound: 10 s open + one task)");
  }

  /** (tasks, cost in nano-dollars) per serving backend once every task has ended. */
  private Map<String, long[]> awaitDone(String runId, int expected) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement done =
            c.prepareStatement(
                "SELECT count(*) FROM task WHERE request_json LIKE ?"
                    + " AND state IN ('SUCCEEDED','FAILED','EXPIRED','CANCELLED')");
        PreparedStatement rows =
            c.prepareStatement(
                "SELECT CASE WHEN state = 'SUCCEEDED' THEN backend ELSE state END, count(*),"
                    + " coalesce(sum(cost_usd), 0) FROM task WHERE request_json LIKE ? GROUP BY 1 ORDER BY 2 DESC")) {
      done.setString(1, "%" + runId + "%");
      while (true) {
        try (ResultSet rs = done.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= expected) {
            break;
          }
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("Routing run did not finish within 15 minutes");
        }
        Thread.sleep(1000);
      }
      rows.setString(1, "%" + runId + "%");
      Map<String, long[]> result = new LinkedHashMap<>();
      try (ResultSet rs = rows.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getString(1), new long[] {rs.getLong(2), (long) (rs.getDouble(3) * 1e9)});
        }
      }
      return result;
    }
  }

  private jakarta.json.JsonObject stats(String sim) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(sim + "/sim/stats")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(r.body()))) {
      return reader.readObject();
    }
  }

  private boolean submit(String prompt, String priority) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(config.apiUrl() + "/api/v1/tasks"))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"sim-small\",\"priority\":\""
                              + priority
                              + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
                              + prompt
                              + "\"}]}"))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 202;
    } catch (Exception e) {
      return false;
    }
  }

  private void post(String url, String body) throws Exception {
    http.send(
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }
}
