package io.renqueue.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Throughput with one worker and with two, in one run, when the backend is the limit: every answer
 * takes 500 ms, the backend has no concurrency limit, so each slot does 2 tasks a second. Phase 1
 * drains the second worker (it takes nothing new); phase 2 undrains it. Same stack, same backlog.
 */
final class WorkerScaling {

  static final String MODEL = "scaling-model";

  private final BenchConfig config;
  private final BenchHttp http;

  WorkerScaling(BenchConfig config, BenchHttp http) {
    this.config = config;
    this.http = http;
  }

  String run(String sim, String worker2, int tasks, int heartbeatSeconds) throws Exception {
    http.simulator(sim + "/sim/config", "{\"first_token_ms\":500,\"error_rate\":0}");
    http.simulator(sim + "/sim/slots", "{\"slots\":0}");
    http.admin(
        "PUT",
        "/api/v1/backends/scaling",
        "{\"url\":\"" + sim + "/v1\",\"kind\":\"local\",\"models\":[\"" + MODEL + "\"]}");
    try {
      http.admin("PUT", "/api/v1/nodes/" + worker2 + "/draining", "{\"draining\":true}");
      Thread.sleep((heartbeatSeconds + 1) * 1000L);
      double one = measure(tasks);
      http.admin("PUT", "/api/v1/nodes/" + worker2 + "/draining", "{\"draining\":false}");
      Thread.sleep((heartbeatSeconds + 1) * 1000L);
      double two = measure(tasks);
      return String.format(
          Locale.ROOT,
          """
          ### Throughput from one worker to two (backend-bound)

          Backend `scaling` (the paid simulator, added through the admin API): 500 ms per answer, no concurrency limit. %d tasks submitted at once, then timed from the first submission until every one has ended; workers have 4 slots each. Phase 1: the second worker drained; phase 2: both.

          | workers | slots | tasks/s | ideal (slots × 2/s) |
          |---|---|---|---|
          | 1 | 4 | %.2f | 8 |
          | 2 | 8 | %.2f | 16 |

          **Scaling factor: %.2f** (acceptance: ≥ 1.8).
          """,
          tasks,
          one,
          two,
          two / one);
    } finally {
      http.admin("PUT", "/api/v1/nodes/" + worker2 + "/draining", "{\"draining\":false}");
      http.admin("DELETE", "/api/v1/backends/scaling", null);
    }
  }

  private double measure(int tasks) throws Exception {
    String runId = "scaling-" + UUID.randomUUID();
    long start = System.nanoTime();
    ExecutorService senders = Executors.newFixedThreadPool(config.clients());
    for (int i = 0; i < tasks; i++) {
      int k = i;
      senders.submit(() -> http.submit(MODEL, runId + " " + k, "normal"));
    }
    senders.shutdown();
    senders.awaitTermination(5, TimeUnit.MINUTES);
    new BenchDatabase(config).awaitEnded(runId, tasks, Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - start) / 1e9;
    try (Connection c =
            DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM task WHERE request_json LIKE ? AND state <> 'SUCCEEDED'")) {
      q.setString(1, "%" + runId + "%");
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          throw new IllegalStateException(rs.getLong(1) + " scaling tasks did not succeed");
        }
      }
    }
    return tasks / seconds;
  }
}
