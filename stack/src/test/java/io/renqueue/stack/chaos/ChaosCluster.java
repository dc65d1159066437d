package io.renqueue.stack.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The running "chaos" topology ({@code Topology.chaos()}): two schedulers, two workers, one
 * database and broker, two simulators; and the blunt instruments the chaos tests use on it.
 */
final class ChaosCluster {

  static final String SIM_A = "http://127.0.0.1:38091";
  static final String SIM_B = "http://127.0.0.1:38092";
  static final List<String> WORKERS = List.of("chaos-worker-1", "chaos-worker-2");
  static final List<String> SCHEDULERS = List.of("chaos-api-1", "chaos-api-2");
  static final Duration LEASE = Duration.ofSeconds(6);
  static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:45432/renqueue";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ChaosCluster() {}

  /** A scheduler that answers: the chaos tests kill either. */
  static String api() {
    return SCHEDULERS.stream()
        .filter(ChaosCluster::ready)
        .findFirst()
        .map(ChaosCluster::url)
        .orElseThrow(() -> new IllegalStateException("no scheduler answers"));
  }

  static String url(String server) {
    return switch (server) {
      case "chaos-api-1" -> "http://127.0.0.1:39080";
      case "chaos-api-2" -> "http://127.0.0.1:39083";
      case "chaos-worker-1" -> "http://127.0.0.1:39081";
      case "chaos-worker-2" -> "http://127.0.0.1:39082";
      default -> throw new IllegalArgumentException(server);
    };
  }

  static JsonObject json(String body) {
    try (var r = Json.createReader(new StringReader(body))) {
      return r.readObject();
    }
  }

  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void simulator(String sim, String settings) {
    send(
        HttpRequest.newBuilder(URI.create(sim + "/sim/config"))
            .POST(HttpRequest.BodyPublishers.ofString(settings)));
  }

  static void healthySimulators() {
    for (String sim : List.of(SIM_A, SIM_B)) {
      simulator(
          sim,
          "{\"first_token_ms\":20,\"error_rate\":0,\"hang\":false,\"fail_prompts_containing\":\"\"}");
    }
  }

  /** How many times the simulators answered this prompt in full, on any backend. */
  static long completions(String prompt) {
    long n = 0;
    for (String sim : List.of(SIM_A, SIM_B)) {
      JsonObject c =
          json(send(HttpRequest.newBuilder(URI.create(sim + "/sim/stats")).GET()).body())
              .getJsonObject("completed");
      n += c.containsKey(prompt) ? c.getJsonNumber(prompt).longValue() : 0;
    }
    return n;
  }

  static String submit(String prompt) {
    return submit("sim-small", prompt);
  }

  static String submit(String model, String prompt) {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(URI.create(api() + "/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Json.createObjectBuilder()
                            .add("model", model)
                            .add("max_tokens", 16)
                            .add(
                                "messages",
                                Json.createArrayBuilder()
                                    .add(
                                        Json.createObjectBuilder()
                                            .add("role", "user")
                                            .add("content", prompt)))
                            .build()
                            .toString())));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return json(r.body()).getString("id");
  }

  static JsonObject task(String id) {
    return json(
        send(HttpRequest.newBuilder(URI.create(api() + "/api/v1/tasks/" + id)).GET()).body());
  }

  static JsonObject awaitEnded(String id, Duration within) {
    JsonObject[] last = new JsonObject[1];
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                List.of("SUCCEEDED", "FAILED", "EXPIRED", "CANCELLED")
                    .contains((last[0] = task(id)).getString("state")));
    return last[0];
  }

  static String unique(String what) {
    return what + " " + UUID.randomUUID();
  }

  static Connection database() throws SQLException {
    return DriverManager.getConnection(JDBC_URL, "renqueue", "renqueue");
  }

  /** Ids of the tasks the database shows RUNNING on this node. */
  static List<String> runningOn(String node) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement("SELECT id FROM task WHERE state = 'RUNNING' AND node_id = ?")) {
      q.setString(1, node);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getObject(1).toString());
        }
      }
    }
    return ids;
  }

  static String adminToken() throws Exception {
    String overrides =
        Files.readString(
            wlp().resolve("usr/servers/chaos-api-1/configDropins/overrides/renqueue-stack.xml"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("name=\"renqueue.admin.token\" value=\"([^\"]*)\"")
            .matcher(overrides);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  static Path wlp() {
    return Path.of(System.getProperty("renqueue.stack.wlp"));
  }

  static long pid(String server) throws Exception {
    return Long.parseLong(
        Files.readString(wlp().resolve("usr/servers/.pid/" + server + ".pid")).trim());
  }

  /** kill -9: no shutdown hook, no drain, nothing. */
  static void killHard(String server) throws Exception {
    long pid = pid(server);
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  static void signal(String server, String signal) throws Exception {
    int exit =
        new ProcessBuilder("kill", "-" + signal, String.valueOf(pid(server))).start().waitFor();
    assertThat(exit).as("kill -" + signal + " " + server).isZero();
  }

  static boolean ready(String server) {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create(url(server) + "/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /** The launcher's record of what it started (pids), as a chaos test finds it. */
  static java.util.Properties stackState() throws Exception {
    java.util.Properties p = new java.util.Properties();
    try (java.io.Reader r = Files.newBufferedReader(stackDir().resolve("stack.state"))) {
      p.load(r);
    }
    return p;
  }

  /** Tells the launcher's state file the new pid of a process a chaos test restarted. */
  static void recordPid(String key, long pid, String why) throws Exception {
    java.util.Properties state = stackState();
    state.setProperty(key, String.valueOf(pid));
    try (java.io.Writer w = Files.newBufferedWriter(stackDir().resolve("stack.state"))) {
      state.store(w, "Ren-Queue local stack: what to stop (" + why + ")");
    }
  }

  static Path stackDir() {
    return Path.of(System.getProperty("renqueue.stack.dir"));
  }

  /** The command line of a running process (Linux). */
  static List<String> commandLine(long pid) throws Exception {
    byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
    return new ArrayList<>(
        java.util.Arrays.asList(
            new String(raw, java.nio.charset.StandardCharsets.UTF_8).split("\0")));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a server that is not running (as the launcher does) and waits until it is ready. */
  static void ensureRunning(String server) throws Exception {
    if (ready(server)) {
      return;
    }
    ProcessBuilder pb =
        new ProcessBuilder(List.of(wlp().resolve("bin/server").toString(), "start", server))
            .directory(wlp().toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    new File(wlp().resolve("usr/servers/" + server + "-start.log").toString())));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.start().waitFor();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> ready(server));
  }
}
