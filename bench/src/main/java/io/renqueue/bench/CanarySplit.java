package io.renqueue.bench;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A 90/10 canary split over real tasks, and its rollback. Two backends are added through the admin
 * API for one model alias (on the local and paid simulators, no limits, equal price, so the router
 * alone would not prefer either), a 90/10 split is set, and 2,000 tasks run; then, in a steady
 * stream, the canary's weight goes to 0 and the report shows the last task the canary was still
 * chosen for.
 */
final class CanarySplit {

  static final String MODEL = "canary-model";

  private final BenchConfig config;
  private final BenchHttp http;

  CanarySplit(BenchConfig config, BenchHttp http) {
    this.config = config;
    this.http = http;
  }

  String run(int tasks, String stableSim, String canarySim) throws Exception {
    http.simulator(stableSim + "/sim/config", "{\"first_token_ms\":20,\"error_rate\":0}");
    http.simulator(canarySim + "/sim/config", "{\"first_token_ms\":20,\"error_rate\":0}");
    String backend = "{\"url\":\"%s/v1\",\"kind\":\"local\",\"models\":[\"" + MODEL + "\"]}";
    http.admin("PUT", "/api/v1/backends/canary-stable", backend.formatted(stableSim));
    http.admin("PUT", "/api/v1/backends/canary-next", backend.formatted(canarySim));
    Thread.sleep(1500); // every server re-reads backends and splits within a second
    http.admin(
        "PUT",
        "/api/v1/splits/" + MODEL,
        "{\"weights\":{\"canary-stable\":90,\"canary-next\":10}}");
    Thread.sleep(1500);
    try {
      String runId = "canary-" + UUID.randomUUID();
      Instant start = Instant.now();
      AtomicInteger refused = new AtomicInteger();
      ExecutorService senders = Executors.newFixedThreadPool(config.clients());
      for (int n = 0; n < tasks; n++) {
        int i = n;
        senders.submit(
            () -> {
              if (!http.submit(MODEL, runId + " " + i, "normal")) {
                refused.incrementAndGet();
              }
            });
      }
      senders.shutdown();
      senders.awaitTermination(10, TimeUnit.MINUTES);
      BenchDatabase db = new BenchDatabase(config);
      db.awaitEnded(runId, tasks - refused.get(), Duration.ofMinutes(15));
      Duration took = Duration.between(start, Instant.now());
      Map<String, Long> variants = count(runId, "routing_trace::jsonb ->> 'split_variant'");
      Map<String, Long> served =
          count(runId, "CASE WHEN state = 'SUCCEEDED' THEN backend ELSE state END");
      long total = variants.values().stream().mapToLong(Long::longValue).sum();
      double canaryShare = 100.0 * variants.getOrDefault("canary-next", 0L) / total;
      String rollback = rollback(stableSim);
      return String.format(
          Locale.ROOT,
          """
          ### A/B split 90/10 over %d tasks, then rollback

          Two backends added through the admin API for model `%s` (canary-stable on the local simulator, canary-next on the paid one; no limits, no price), split 90/10; %d tasks submitted by %d clients as fast as they are accepted (%d refused); all ended after %d s.

          | | canary-stable | canary-next | other |
          |---|---|---|---|
          | chosen by the split (routing trace) | %d | %d | %d |
          | served the task | %d | %d | %s |

          **canary share: %.1f %%** (acceptance: 10 ± 3 %%).

          %s
          """,
          tasks,
          MODEL,
          tasks,
          config.clients(),
          refused.get(),
          took.toSeconds(),
          variants.getOrDefault("canary-stable", 0L),
          variants.getOrDefault("canary-next", 0L),
          total
              - variants.getOrDefault("canary-stable", 0L)
              - variants.getOrDefault("canary-next", 0L),
          served.getOrDefault("canary-stable", 0L),
          served.getOrDefault("canary-next", 0L),
          served.entrySet().stream()
              .filter(e -> !e.getKey().startsWith("canary-"))
              .map(e -> e.getKey() + " " + e.getValue())
              .toList(),
          canaryShare,
          rollback);
    } finally {
      http.admin("DELETE", "/api/v1/splits/" + MODEL, null);
      http.admin("DELETE", "/api/v1/backends/canary-next", null);
      http.admin("DELETE", "/api/v1/backends/canary-stable", null);
    }
  }

  /**
   * 20 tasks a second for 12 s; at 4 s the canary's weight goes to 0. Reports the last start of a
   * task the split still sent to the canary, after the rollback call returned.
   */
  private String rollback(String stableSim) throws Exception {
    String runId = "rollback-" + UUID.randomUUID();
    ExecutorService senders = Executors.newFixedThreadPool(config.clients());
    Instant rolledBack = null;
    int sent = 0;
    Instant start = Instant.now();
    while (Duration.between(start, Instant.now()).toMillis() < 12_000) {
      if (rolledBack == null && Duration.between(start, Instant.now()).toMillis() >= 4_000) {
        http.admin(
            "PUT",
            "/api/v1/splits/" + MODEL,
            "{\"weights\":{\"canary-stable\":100,\"canary-next\":0}}");
        rolledBack = Instant.now();
      }
      int i = sent++;
      senders.submit(() -> http.submit(MODEL, runId + " " + i, "normal"));
      Thread.sleep(50);
    }
    senders.shutdown();
    senders.awaitTermination(2, TimeUnit.MINUTES);
    new BenchDatabase(config).awaitEnded(runId, sent, Duration.ofMinutes(5));
    Instant lastCanary = null;
    long canaryAfter5s = 0;
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement q =
            c.prepareStatement(
                "SELECT max(started_at), count(*) FILTER (WHERE started_at > ?)"
                    + " FROM task WHERE request_json LIKE ?"
                    + " AND routing_trace::jsonb ->> 'split_variant' = 'canary-next'"
                    + " AND started_at > ?")) {
      q.setTimestamp(1, Timestamp.from(rolledBack.plusSeconds(5)));
      q.setString(2, "%" + runId + "%");
      q.setTimestamp(3, Timestamp.from(rolledBack));
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        lastCanary = rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant();
        canaryAfter5s = rs.getLong(2);
      }
    }
    return String.format(
        Locale.ROOT,
        "Rollback (weight 0 for canary-next) in a stream of 20 tasks/s (%d tasks): tasks the split"
            + " still sent to the canary more than 5 s after the call: **%d**; the last one started"
            + " %s after the call (every server re-reads splits at most 1 s old).",
        sent,
        canaryAfter5s,
        lastCanary == null
            ? "— none started after it"
            : Duration.between(rolledBack, lastCanary).toMillis() + " ms");
  }

  private Map<String, Long> count(String runId, String expression) throws Exception {
    Map<String, Long> result = new LinkedHashMap<>();
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement q =
            c.prepareStatement(
                "SELECT coalesce("
                    + expression
                    + ", 'none'), count(*) FROM task WHERE request_json LIKE ? GROUP BY 1")) {
      q.setString(1, "%" + runId + "%");
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return result;
  }
}
