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
 * runs with the second worker stopped ({@code server stop}); phase 2 starts it again. Same stack,
 * same backlog. (Draining it instead would measure its token hand-backs too.)
 */
final class WorkerScaling {

  static final String MODEL = "scaling-model";

  private final BenchConfig config;
  private final BenchHttp http;

  WorkerScaling(BenchConfig config, BenchHttp http) {
    this.config = config;
    this.http = http;
  }

  String run(String sim, String worker2, String worker2Url, int tasks) throws Exception {
    http.simulator(sim + "/sim/config", "{\"first_token_ms\":500,\"error_rate\":0}");
    http.simulator(sim + "/sim/slots", "{\"slots\":0}");
    http.admin(
        "PUT",
        "/api/v1/backends/scaling",
        "{\"url\":\"" + sim + "/v1\",\"kind\":\"local\",\"models\":[\"" + MODEL + "\"]}");
    try {
      server("stop", worker2);
      Thread.sleep(2000); // every server re-reads the backend set
      double one = measure(tasks);
      server("start", worker2);
      awaitReady(worker2Url);
      double two = measure(tasks);
      return String.format(
          Locale.ROOT,
          """
          ### Throughput from one worker to two (backend-bound)

          Backend `scaling` (the paid simulator, added through the admin API): 500 ms per answer, no concurrency limit. %d tasks submitted at once, then timed from the first submission until every one has ended; workers have 4 slots each. Phase 1: the second worker stopped; phase 2: started again.

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
      http.admin("DELETE", "/api/v1/backends/scaling", null);
    }
  }

  /** Liberty's own script, as the launcher runs it. */
  private static void server(String action, String name) throws Exception {
    java.nio.file.Path wlp = java.nio.file.Path.of(System.getProperty("renqueue.stack.wlp"));
    ProcessBuilder pb =
        new ProcessBuilder(wlp.resolve("bin/server").toString(), action, name)
            .directory(wlp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    wlp.resolve("usr/servers/" + name + "-" + action + ".log").toFile()));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.start().waitFor();
  }

  private static void awaitReady(String url) throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    for (int i = 0; i < 180; i++) {
      try {
        if (client
                .send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/health/ready"))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException(url + " did not become ready");
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
