package io.renqueue.stack.chaos;

import static io.renqueue.stack.chaos.ChaosCluster.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 30 s under load: the API answers 503 problem+json with Retry-After while
 * it is away (and nothing it answered 503 for is stored), and every task it accepted before or
 * after ends SUCCEEDED exactly once.
 */
class DatabaseChaosIT {

  @AfterEach
  void healthy() {
    healthySimulators();
  }

  @Test
  void withPostgresStoppedFor30sTheApiAnswers503AndNothingAcceptedIsLost() throws Exception {
    simulator(SIM_A, "{\"first_token_ms\":500}");
    simulator(SIM_B, "{\"first_token_ms\":500}");
    Map<String, String> accepted = new ConcurrentHashMap<>(); // id -> prompt
    List<String> unexpected = new CopyOnWriteArrayList<>();
    List<HttpResponse<String>> refused = new CopyOnWriteArrayList<>();
    AtomicBoolean load = new AtomicBoolean(true);
    Thread client =
        new Thread(
            () -> {
              int i = 0;
              while (load.get()) {
                String prompt = unique("db outage " + i++);
                try {
                  HttpResponse<String> r = post(prompt);
                  if (r.statusCode() == 202) {
                    accepted.put(json(r.body()).getString("id"), prompt);
                  } else if (r.statusCode() == 503) {
                    refused.add(r);
                  } else {
                    unexpected.add(r.statusCode() + " " + r.body());
                  }
                } catch (RuntimeException e) {
                  unexpected.add(e.toString());
                }
                sleep(200);
              }
            });
    client.start();
    sleep(3000);

    List<String> postgres = stopPostgres();
    sleep(30_000);
    startPostgres(postgres);
    java.time.Instant back = java.time.Instant.now();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .alias("the sweeps resume once the database is back")
        .until(() -> lastSweep().isAfter(back));
    sleep(10_000);
    load.set(false);
    client.join();

    assertThat(unexpected).as("only 202 or 503").isEmpty();
    assertThat(refused).as("503s while the database was away").isNotEmpty();
    for (HttpResponse<String> r : refused) {
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
    }
    assertThat(accepted).hasSizeGreaterThan(20);
    for (Map.Entry<String, String> t : accepted.entrySet()) {
      JsonObject done = awaitEnded(t.getKey(), Duration.ofMinutes(3));
      assertThat(done.getString("state")).as(done.toString()).isEqualTo("SUCCEEDED");
      assertThat(completions(t.getValue())).as("answered in full once: " + done).isEqualTo(1);
    }
  }

  private static HttpResponse<String> post(String prompt) {
    String body =
        Json.createObjectBuilder()
            .add("model", "sim-small")
            .add("max_tokens", 16)
            .add(
                "messages",
                Json.createArrayBuilder()
                    .add(Json.createObjectBuilder().add("role", "user").add("content", prompt)))
            .build()
            .toString();
    return send(
        HttpRequest.newBuilder(URI.create(url(SCHEDULERS.get(0)) + "/api/v1/tasks"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Fast shutdown of the postmaster the launcher started; returns its command line. */
  private static List<String> stopPostgres() throws Exception {
    long pid = Long.parseLong(state().getProperty("postgres.pid"));
    byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
    List<String> command =
        new ArrayList<>(Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")));
    assertThat(new ProcessBuilder("kill", "-INT", String.valueOf(pid)).start().waitFor()).isZero();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    return command;
  }

  /** Starts it again, the same way, and tells the launcher's state file its new pid. */
  private static void startPostgres(List<String> command) throws Exception {
    Path stackDir = Path.of(System.getProperty("renqueue.stack.dir"));
    List<String> run = new ArrayList<>(command);
    if ("root".equals(System.getProperty("user.name"))) {
      // As the launcher's embedded PostgreSQL does: it refuses to run as root, so it runs in a
      // user namespace where its files and its user are the same unprivileged id.
      run.addAll(0, List.of("unshare", "-U"));
    }
    Process p =
        new ProcessBuilder(run)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    stackDir.resolve("postgres/postgres.log").toFile()))
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              try (var c = DriverManager.getConnection(JDBC_URL, "renqueue", "renqueue")) {
                return true;
              } catch (Exception e) {
                return false;
              }
            });
    Properties state = state();
    state.setProperty("postgres.pid", String.valueOf(p.pid()));
    try (Writer w = Files.newBufferedWriter(stackDir.resolve("stack.state"))) {
      state.store(w, "Ren-Queue local stack: what to stop (postgres restarted by a chaos test)");
    }
  }

  private static java.time.Instant lastSweep() throws Exception {
    try (var db = database();
        var q =
            db.prepareStatement("SELECT last_run_at FROM sweep_lease WHERE name = 'scheduler'");
        var rs = q.executeQuery()) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  private static Properties state() throws Exception {
    Properties p = new Properties();
    try (Reader r =
        Files.newBufferedReader(
            Path.of(System.getProperty("renqueue.stack.dir")).resolve("stack.state"))) {
      p.load(r);
    }
    return p;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
