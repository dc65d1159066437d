package io.renqueue.bench;

import jakarta.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A 429 with {@code Retry-After: 30} seen by one of two workers: no worker may send that backend a
 * request before the 30 s are over. The backend (added through the admin API, the only one serving
 * its model, so tasks wait rather than go elsewhere) is the free simulator, whose own counter
 * {@code requests_before_retry_after} counts every request that arrived too early.
 */
final class ClusterCooldown {

  static final String MODEL = "cooldown-model";

  private final BenchConfig config;
  private final BenchHttp http;

  ClusterCooldown(BenchConfig config, BenchHttp http) {
    this.config = config;
    this.http = http;
  }

  String run(String sim) throws Exception {
    http.simulator(sim + "/sim/config", "{\"first_token_ms\":50,\"requests_per_minute\":0}");
    http.admin(
        "PUT",
        "/api/v1/backends/throttled",
        "{\"url\":\"" + sim + "/v1\",\"kind\":\"cloud-free\",\"models\":[\"" + MODEL + "\"]}");
    Thread.sleep(1500);
    http.simulator(sim + "/sim/stats", "");
    String runId = "cooldown-" + UUID.randomUUID();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    Instant start = Instant.now();
    Instant throttled = null;
    int sent = 0;
    try {
      // 4 tasks a second for 40 s; the throttle is armed after 3 s.
      while (Duration.between(start, Instant.now()).toMillis() < 40_000) {
        if (throttled == null && Duration.between(start, Instant.now()).toMillis() >= 3_000) {
          http.simulator(sim + "/sim/throttle", "{\"retry_after_seconds\":30}");
          throttled = Instant.now();
        }
        int i = sent++;
        senders.submit(() -> http.submit(MODEL, runId + " " + i, "normal"));
        Thread.sleep(250);
      }
      senders.shutdown();
      senders.awaitTermination(2, TimeUnit.MINUTES);
      new BenchDatabase(config).awaitEnded(runId, sent, Duration.ofMinutes(5));
    } finally {
      http.admin("DELETE", "/api/v1/backends/throttled", null);
    }
    JsonObject stats = http.simulatorStats(sim);
    Map<String, long[]> byNode = new LinkedHashMap<>();
    Instant firstAfter = null;
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement nodes =
            c.prepareStatement(
                "SELECT coalesce(node_id, state), count(*), count(*) FILTER (WHERE deferrals > 0)"
                    + " FROM task WHERE request_json LIKE ? AND state = 'SUCCEEDED'"
                    + " GROUP BY 1 ORDER BY 1");
        PreparedStatement resumed =
            c.prepareStatement(
                "SELECT min(started_at) FROM task WHERE request_json LIKE ? AND deferrals > 0"
                    + " AND state = 'SUCCEEDED' AND started_at > ?")) {
      nodes.setString(1, "%" + runId + "%");
      try (ResultSet rs = nodes.executeQuery()) {
        while (rs.next()) {
          byNode.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      resumed.setString(1, "%" + runId + "%");
      resumed.setTimestamp(2, Timestamp.from(throttled));
      try (ResultSet rs = resumed.executeQuery()) {
        if (rs.next() && rs.getTimestamp(1) != null) {
          firstAfter = rs.getTimestamp(1).toInstant();
        }
      }
    }
    long succeeded = byNode.values().stream().mapToLong(v -> v[0]).sum();
    StringBuilder rows = new StringBuilder();
    byNode.forEach(
        (node, v) ->
            rows.append(String.format(Locale.ROOT, "| %s | %d | %d |%n", node, v[0], v[1])));
    return String.format(
        Locale.ROOT,
        """
        ### 429 with Retry-After: 30, seen by one of two workers

        %d tasks at 4/s for model `%s`, served only by backend `throttled` (the free simulator, added through the admin API). 3 s in, the simulator answers its next request 429 with `Retry-After: 30`.

        | worker that ran the task | tasks SUCCEEDED | of them deferred by the cooldown |
        |---|---|---|
        %s
        | simulator counter | value |
        |---|---|
        | 429s with Retry-After 30 sent | %d |
        | **requests that arrived before the Retry-After had passed** | **%d** |
        | chat requests in all | %d |

        **%d of %d tasks SUCCEEDED**; the first deferred task started again %s after the 429 was armed.
        """,
        sent,
        MODEL,
        rows.toString(),
        stats.getInt("throttled"),
        stats.getInt("requests_before_retry_after"),
        stats.getInt("chat_completions"),
        succeeded,
        sent,
        firstAfter == null
            ? "— none did"
            : String.format(
                Locale.ROOT,
                "%.1f s",
                Duration.between(throttled, firstAfter).toMillis() / 1000.0));
  }
}
