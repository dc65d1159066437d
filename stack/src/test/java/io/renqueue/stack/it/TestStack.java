package io.renqueue.stack.it;

import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The running "test" topology (see {@code Topology.test()}): how integration tests reach the API,
 * the simulators, the broker and the database that Maven started before them.
 */
final class TestStack {

  static final String API = "http://127.0.0.1:19080";
  static final String WORKER = "http://127.0.0.1:19081";
  static final String SIM_A = "http://127.0.0.1:18091";
  static final String SIM_B = "http://127.0.0.1:18092";
  static final String SIM_C = "http://127.0.0.1:18093";
  static final String BROKER_URL = "tcp://127.0.0.1:61626";
  static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:25432/renqueue";
  static final Duration TASK_TIMEOUT = Duration.ofSeconds(60);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestStack() {}

  record Reply(int status, String contentType, String body) {
    JsonObject json() {
      return TestStack.json(body);
    }
  }

  static Reply post(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(API + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Submits a chat task for a tenant and returns its id. */
  static String submitAs(String tenant, String prompt, String priority) {
    return submitAs(tenant, chat(prompt, priority));
  }

  static String submitAs(String tenant, String body) {
    Reply r =
        send(
            HttpRequest.newBuilder(URI.create(API + "/api/v1/tasks"))
                .header("Content-Type", "application/json")
                .header("X-Tenant", tenant)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    if (r.status() != 202) {
      throw new AssertionError("submit answered " + r.status() + ": " + r.body());
    }
    return r.json().getString("id");
  }

  static Reply getAs(String tenant, String path) {
    return send(HttpRequest.newBuilder(URI.create(API + path)).header("X-Tenant", tenant).GET());
  }

  static Reply get(String urlOrPath) {
    return send(
        HttpRequest.newBuilder(
                URI.create(urlOrPath.startsWith("http") ? urlOrPath : API + urlOrPath))
            .GET());
  }

  static Reply delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(API + path)).DELETE());
  }

  static Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String chat(String prompt, String priority) {
    return chat("sim-small", prompt, priority);
  }

  static String chat(String model, String prompt, String priority) {
    return Json.createObjectBuilder()
        .add("model", model)
        .add("priority", priority)
        .add(
            "messages",
            Json.createArrayBuilder()
                .add(Json.createObjectBuilder().add("role", "user").add("content", prompt)))
        .build()
        .toString();
  }

  /** Submits a chat task and returns its id. */
  static String submit(String prompt, String priority) {
    Reply r = post("/api/v1/tasks", chat(prompt, priority));
    if (r.status() != 202) {
      throw new AssertionError("submit answered " + r.status() + ": " + r.body());
    }
    return r.json().getString("id");
  }

  static JsonObject task(String id) {
    return get("/api/v1/tasks/" + id).json();
  }

  static JsonObject awaitState(String id, String... states) {
    List<String> wanted = List.of(states);
    JsonObject[] last = new JsonObject[1];
    await()
        .atMost(TASK_TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> wanted.contains((last[0] = task(id)).getString("state")));
    return last[0];
  }

  /** Changes a simulator's behaviour (see SimulatorSettings); resets its counters too. */
  static void simulator(String sim, String settings) {
    send(
        HttpRequest.newBuilder(URI.create(sim + "/sim/config"))
            .POST(HttpRequest.BodyPublishers.ofString(settings)));
    send(
        HttpRequest.newBuilder(URI.create(sim + "/sim/stats"))
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  static void healthySimulators() {
    String normal =
        "{\"error_rate\":0,\"hang\":false,\"first_token_ms\":20,\"requests_per_minute\":0,\"error_status\":500,\"cut_after_tokens\":0,\"hang_after_tokens\":0,\"tokens_per_second\":0,"
            + "\"fail_prompts_containing\":\"\",\"model_first_token_ms\":{}}";
    simulator(SIM_A, normal);
    simulator(SIM_B, normal);
    simulator(SIM_C, normal);
  }

  /**
   * Occupies both worker slots of the test topology with two normal tasks whose backends answer too
   * slowly: they sit in their timeout/retry/fallback chain (about 9 s) until the simulators are
   * made healthy again, so work submitted meanwhile queues up behind them.
   */
  static List<String> holdBothSlots() {
    healthySimulators();
    simulator(SIM_A, "{\"first_token_ms\":60000}");
    simulator(SIM_B, "{\"first_token_ms\":60000}");
    String holder1 = submit(unique("slot holder"), "normal");
    String holder2 = submit(unique("slot holder"), "normal");
    awaitState(holder1, "RUNNING");
    awaitState(holder2, "RUNNING");
    return List.of(holder1, holder2);
  }

  static JsonObject simulatorStats(String sim) {
    return get(sim + "/sim/stats").json();
  }

  static long promptCount(String sim, String prompt) {
    JsonObject prompts = simulatorStats(sim).getJsonObject("prompts");
    return prompts.containsKey(prompt) ? prompts.getJsonNumber(prompt).longValue() : 0;
  }

  /**
   * The messages in the dispatch dead-letter queue for this task (consumed): waits up to 30 s for
   * the first, then takes any others already there.
   */
  static java.util.List<jakarta.jms.Message> deadLettersOf(String taskId) {
    java.util.List<jakarta.jms.Message> found = new java.util.ArrayList<>();
    try (jakarta.jms.JMSContext jms = jms().createContext();
        jakarta.jms.JMSConsumer dlq =
            jms.createConsumer(
                jms.createQueue("renqueue.dispatch.dlq"), "renqueue_task_id = '" + taskId + "'")) {
      jakarta.jms.Message m = dlq.receive(30_000);
      while (m != null) {
        found.add(m);
        m = dlq.receive(500);
      }
    }
    return found;
  }

  static ActiveMQConnectionFactory jms() {
    ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(BROKER_URL);
    cf.setUser("renqueue");
    cf.setPassword("renqueue");
    return cf;
  }

  static Connection database() throws SQLException {
    return DriverManager.getConnection(JDBC_URL, "renqueue", "renqueue");
  }

  /** A call to the admin API, with the token the launcher gave every server. */
  static Reply admin(String method, String path, String json) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(API + path))
            .header("Authorization", "Bearer " + stackVariable("renqueue.admin.token"));
    return send(
        json == null
            ? r.method(method, HttpRequest.BodyPublishers.noBody())
            : r.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
  }

  /** A server.xml variable the launcher set for the test servers. */
  static String stackVariable(String name) {
    Path overrides =
        serverLog("it-api")
            .getParent()
            .getParent()
            .resolve("configDropins/overrides/renqueue-stack.xml");
    try {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "name=\"" + java.util.regex.Pattern.quote(name) + "\" value=\"([^\"]*)\"")
              .matcher(java.nio.file.Files.readString(overrides));
      if (!m.find()) {
        throw new AssertionError(name + " is not set in " + overrides);
      }
      return m.group(1);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Path serverLog(String server) {
    return Path.of(
        System.getProperty("renqueue.stack.wlp"), "usr/servers", server, "logs/messages.log");
  }

  static String unique(String what) {
    return what + " " + UUID.randomUUID();
  }

  static JsonObject json(String body) {
    try (var reader = Json.createReader(new StringReader(body))) {
      JsonValue v = reader.readValue();
      return v.asJsonObject();
    }
  }
}
