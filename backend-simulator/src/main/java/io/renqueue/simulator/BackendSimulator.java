package io.renqueue.simulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * An OpenAI-compatible backend for tests and the local run: chat completions (plain and SSE
 * streaming), embeddings and the model list, plus a small control API under {@code /sim} to read
 * counters and change behaviour at run time. Any real OpenAI-compatible server can take its place.
 */
public final class BackendSimulator implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(BackendSimulator.class.getName());

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicReference<SimulatorSettings> settings;
  private final Admission admission = new Admission();
  private final SimulatorStats stats = new SimulatorStats();
  private volatile boolean closing;

  public BackendSimulator(String host, int port, SimulatorSettings initial) throws IOException {
    this.settings = new AtomicReference<>(initial);
    this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
    server.setExecutor(executor);
    server.createContext("/v1/chat/completions", ex -> handle(ex, this::chat));
    server.createContext("/v1/embeddings", ex -> handle(ex, this::embeddings));
    server.createContext("/v1/models", ex -> handle(ex, this::models));
    server.createContext("/sim/stats", ex -> handle(ex, this::stats));
    server.createContext("/sim/config", ex -> handle(ex, this::config));
    server.createContext("/sim/throttle", ex -> handle(ex, this::throttle));
    server.createContext("/sim/slots", ex -> handle(ex, this::slots));
    server.createContext("/", ex -> handle(ex, this::index));
  }

  public BackendSimulator start() {
    server.start();
    LOG.info(() -> "Backend simulator listening on " + server.getAddress() + ": " + settings.get());
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    closing = true;
    server.stop(0);
    executor.shutdownNow();
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private void handle(HttpExchange exchange, Handler handler) {
    try (exchange) {
      count("requests_total");
      handler.handle(exchange);
    } catch (IOException | RuntimeException e) {
      LOG.fine(() -> "Request ended early: " + e);
    }
  }

  private void chat(HttpExchange ex) throws IOException {
    stats.started();
    try {
      admission.inSlot(() -> answerChat(ex));
    } finally {
      stats.ended();
    }
  }

  /**
   * {@code POST /sim/slots {"slots": 2}}: at most that many chat requests are answered at once, the
   * rest wait in arrival order, as on a GPU server whose batch is full (0: no limit).
   */
  private void slots(HttpExchange ex) throws IOException {
    if (!requirePost(ex)) {
      return;
    }
    JsonObject body = readJson(ex);
    int n = body == null ? -1 : body.getInt("slots", -1);
    if (n < 0) {
      error(ex, 400, "invalid_request_error", "slots must be a whole number ≥ 0");
      return;
    }
    admission.limitSlots(n);
    LOG.info(() -> "Simulator: " + (n == 0 ? "no slot limit" : n + " slots"));
    json(ex, 200, Json.createObjectBuilder().add("slots", n).build());
  }

  private void answerChat(HttpExchange ex) throws IOException {
    if (!requirePost(ex) || !authorized(ex)) {
      return;
    }
    JsonObject body = readJson(ex);
    if (body == null) {
      error(ex, 400, "invalid_request_error", "Body must be a JSON object");
      return;
    }
    count("chat_completions");
    SimulatorSettings s = settings.get();
    String model = body.getString("model", "");
    if (!s.serves(model)) {
      error(ex, 404, "model_not_found", "The model '" + model + "' does not exist on " + s.name());
      return;
    }
    if (!(body.get("messages") instanceof JsonArray messages) || messages.isEmpty()) {
      error(ex, 400, "invalid_request_error", "messages must be a non-empty array");
      return;
    }
    if (!outsideRetryAfter(ex) || !admitted(ex, s)) {
      return;
    }
    if (s.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < s.errorRate()) {
      count("errors_injected");
      error(ex, s.errorStatus(), "server_error", "Injected failure from " + s.name());
      return;
    }
    if (s.poisoned(lastUserText(messages))) {
      count("poison_failures");
      error(ex, s.errorStatus(), "server_error", "This prompt always fails on " + s.name());
      return;
    }
    if (s.hang()) {
      count("hung");
      hangUntilReleased();
      return;
    }
    String prompt = lastUserText(messages);
    stats.prompt(prompt);
    int maxTokens = body.getInt("max_tokens", body.getInt("max_completion_tokens", 256));
    List<String> tokens = DeterministicAnswers.tokens(model, prompt, maxTokens);
    String finish = tokens.size() >= maxTokens ? "length" : "stop";
    int promptTokens = DeterministicAnswers.countTokens(prompt);
    String id = "chatcmpl-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    long created = System.currentTimeMillis() / 1000;

    sleep(s.firstTokenMs(model));
    if (body.getBoolean("stream", false)) {
      if (stream(ex, s, id, created, model, tokens, finish, promptTokens)) {
        stats.completed(prompt);
      }
      return;
    }
    sleep(generationMillis(s, tokens.size() - 1));
    JsonObject response =
        Json.createObjectBuilder()
            .add("id", id)
            .add("object", "chat.completion")
            .add("created", created)
            .add("model", model)
            .add(
                "choices",
                Json.createArrayBuilder()
                    .add(
                        Json.createObjectBuilder()
                            .add("index", 0)
                            .add(
                                "message",
                                Json.createObjectBuilder()
                                    .add("role", "assistant")
                                    .add("content", DeterministicAnswers.text(tokens)))
                            .add("finish_reason", finish)))
            .add("usage", usage(promptTokens, tokens.size()))
            .add("system_fingerprint", s.name())
            .build();
    json(ex, 200, response);
    stats.completed(prompt);
  }

  /** True when the whole answer was sent (not cut, not hung). */
  private boolean stream(
      HttpExchange ex,
      SimulatorSettings s,
      String id,
      long created,
      String model,
      List<String> tokens,
      String finish,
      int promptTokens)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    long perToken = generationMillis(s, 1);
    for (int i = 0; i < tokens.size(); i++) {
      if (i > 0) {
        sleep(perToken);
      }
      if (s.cutAfterTokens() > 0 && i == s.cutAfterTokens()) {
        count("streams_cut");
        out.flush();
        ex.close();
        return false;
      }
      if (s.hangAfterTokens() > 0 && i == s.hangAfterTokens()) {
        count("streams_hung");
        out.flush();
        hangStreamUntilReleased();
        return false;
      }
      JsonObjectBuilder delta = Json.createObjectBuilder();
      if (i == 0) {
        delta.add("role", "assistant");
      }
      delta.add("content", (i == 0 ? "" : " ") + tokens.get(i));
      sse(out, chunk(id, created, model, delta, JsonValue.NULL, null));
    }
    sse(
        out,
        chunk(
            id,
            created,
            model,
            Json.createObjectBuilder(),
            Json.createValue(finish),
            usage(promptTokens, tokens.size())));
    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    return true;
  }

  private static JsonObject chunk(
      String id,
      long created,
      String model,
      JsonObjectBuilder delta,
      JsonValue finish,
      JsonObject usage) {
    JsonObjectBuilder b =
        Json.createObjectBuilder()
            .add("id", id)
            .add("object", "chat.completion.chunk")
            .add("created", created)
            .add("model", model)
            .add(
                "choices",
                Json.createArrayBuilder()
                    .add(
                        Json.createObjectBuilder()
                            .add("index", 0)
                            .add("delta", delta)
                            .add("finish_reason", finish)));
    if (usage != null) {
      b.add("usage", usage);
    }
    return b.build();
  }

  private static void sse(OutputStream out, JsonObject event) throws IOException {
    out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void embeddings(HttpExchange ex) throws IOException {
    if (!requirePost(ex) || !authorized(ex)) {
      return;
    }
    JsonObject body = readJson(ex);
    if (body == null || !body.containsKey("input")) {
      error(ex, 400, "invalid_request_error", "input is required");
      return;
    }
    count("embeddings");
    SimulatorSettings s = settings.get();
    String model = body.getString("model", "");
    if (!s.serves(model)) {
      error(ex, 404, "model_not_found", "The model '" + model + "' does not exist on " + s.name());
      return;
    }
    if (!admitted(ex, s)) {
      return;
    }
    List<String> inputs =
        body.get("input") instanceof JsonArray arr
            ? arr.getValuesAs(JsonString::getString)
            : List.of(body.getString("input"));
    int dims = body.getInt("dimensions", 16);
    var data = Json.createArrayBuilder();
    int tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      var vector = Json.createArrayBuilder();
      for (double d : DeterministicAnswers.embedding(inputs.get(i), dims)) {
        vector.add(d);
      }
      tokens += DeterministicAnswers.countTokens(inputs.get(i));
      data.add(
          Json.createObjectBuilder()
              .add("object", "embedding")
              .add("index", i)
              .add("embedding", vector));
    }
    json(
        ex,
        200,
        Json.createObjectBuilder()
            .add("object", "list")
            .add("model", model)
            .add("data", data)
            .add(
                "usage",
                Json.createObjectBuilder().add("prompt_tokens", tokens).add("total_tokens", tokens))
            .build());
  }

  private void models(HttpExchange ex) throws IOException {
    var data = Json.createArrayBuilder();
    for (String m : settings.get().models()) {
      data.add(
          Json.createObjectBuilder()
              .add("id", m)
              .add("object", "model")
              .add("created", 0)
              .add("owned_by", settings.get().name()));
    }
    json(ex, 200, Json.createObjectBuilder().add("object", "list").add("data", data).build());
  }

  private void stats(HttpExchange ex) throws IOException {
    if ("POST".equals(ex.getRequestMethod()) || "DELETE".equals(ex.getRequestMethod())) {
      stats.reset();
    }
    json(ex, 200, stats.toJson(settings.get().name()));
  }

  private void config(HttpExchange ex) throws IOException {
    if ("POST".equals(ex.getRequestMethod()) || "PUT".equals(ex.getRequestMethod())) {
      JsonObject patch = readJson(ex);
      if (patch == null) {
        error(ex, 400, "invalid_request_error", "Body must be a JSON object");
        return;
      }
      SimulatorSettings updated = settings.updateAndGet(s -> s.merge(patch));
      if (patch.containsKey("requests_per_minute")) {
        admission.newWindow();
      }
      LOG.info(() -> "Simulator settings changed: " + updated);
    }
    json(ex, 200, settings.get().toJson());
  }

  /** The base URL itself answers with what this server offers; anything else unknown is 404. */
  private void index(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    if (!List.of("/", "/v1", "/v1/").contains(path)) {
      error(ex, 404, "not_found", "No such path: " + path);
      return;
    }
    var endpoints = Json.createArrayBuilder();
    List.of(
            "POST /v1/chat/completions",
            "POST /v1/embeddings",
            "GET /v1/models",
            "GET /sim/stats",
            "POST /sim/stats (reset)",
            "GET|POST /sim/config")
        .forEach(endpoints::add);
    json(
        ex,
        200,
        Json.createObjectBuilder()
            .add("object", "simulator")
            .add("name", settings.get().name())
            .add("settings", settings.get().toJson())
            .add("endpoints", endpoints)
            .build());
  }

  /**
   * {@code POST /sim/throttle {"retry_after_seconds": 30}}: the next chat request is answered 429
   * with that Retry-After, and every request before it has passed counts as {@code
   * requests_before_retry_after}, the number a client that honours Retry-After keeps at 0.
   */
  private void throttle(HttpExchange ex) throws IOException {
    if (!requirePost(ex)) {
      return;
    }
    JsonObject body = readJson(ex);
    int seconds = body == null ? 0 : body.getInt("retry_after_seconds", 0);
    if (seconds < 1) {
      error(ex, 400, "invalid_request_error", "retry_after_seconds must be a whole number ≥ 1");
      return;
    }
    admission.throttleNext(seconds);
    LOG.info(() -> "Simulator: the next chat request gets 429 with Retry-After " + seconds);
    json(ex, 200, Json.createObjectBuilder().add("retry_after_seconds", seconds).build());
  }

  private boolean outsideRetryAfter(HttpExchange ex) throws IOException {
    Admission.Refusal refused = admission.retryAfter(System.currentTimeMillis());
    if (refused == null) {
      return true;
    }
    count(refused.counter());
    ex.getResponseHeaders().set("Retry-After", String.valueOf(refused.retryAfterSeconds()));
    error(ex, 429, "rate_limit_exceeded", "Rate limit reached on " + settings.get().name());
    return false;
  }

  private boolean admitted(HttpExchange ex, SimulatorSettings s) throws IOException {
    RequestWindow.Decision d = admission.window(s.requestsPerMinute(), System.currentTimeMillis());
    if (s.requestsPerMinute() > 0) {
      var h = ex.getResponseHeaders();
      h.set("x-ratelimit-limit-requests", String.valueOf(d.limit()));
      h.set("x-ratelimit-remaining-requests", String.valueOf(d.remaining()));
      h.set("x-ratelimit-reset-requests", (d.resetMillis() + 999) / 1000 + "s");
    }
    if (!d.allowed()) {
      count("rate_limited");
      ex.getResponseHeaders()
          .set("Retry-After", String.valueOf(Math.max(1, (d.resetMillis() + 999) / 1000)));
      error(ex, 429, "rate_limit_exceeded", "Rate limit reached for requests on " + s.name());
      return false;
    }
    return true;
  }

  private boolean authorized(HttpExchange ex) throws IOException {
    String key = settings.get().apiKey();
    if (key == null || ("Bearer " + key).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      return true;
    }
    error(ex, 401, "invalid_api_key", "Incorrect API key provided");
    return false;
  }

  private static boolean requirePost(HttpExchange ex) throws IOException {
    if ("POST".equals(ex.getRequestMethod())) {
      return true;
    }
    error(ex, 405, "invalid_request_error", "Use POST");
    return false;
  }

  private static JsonObject readJson(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    try (var reader = Json.createReader(new StringReader(body))) {
      JsonValue v = reader.readValue();
      return v.getValueType() == JsonValue.ValueType.OBJECT ? v.asJsonObject() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String lastUserText(JsonArray messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonObject m = messages.getJsonObject(i);
      if ("user".equals(m.getString("role", "")) && m.get("content") instanceof JsonString c) {
        return c.getString();
      }
    }
    JsonValue last = messages.getJsonObject(messages.size() - 1).get("content");
    return last instanceof JsonString c ? c.getString() : String.valueOf(last);
  }

  private static JsonObject usage(int prompt, int completion) {
    return Json.createObjectBuilder()
        .add("prompt_tokens", prompt)
        .add("completion_tokens", completion)
        .add("total_tokens", prompt + completion)
        .build();
  }

  private static long generationMillis(SimulatorSettings s, int tokens) {
    return s.tokensPerSecond() <= 0 ? 0 : (long) (tokens * 1000 / s.tokensPerSecond());
  }

  private static void error(HttpExchange ex, int status, String type, String message)
      throws IOException {
    json(
        ex,
        status,
        Json.createObjectBuilder()
            .add(
                "error",
                Json.createObjectBuilder()
                    .add("message", message)
                    .add("type", type)
                    .add("code", type))
            .build());
  }

  private static void json(HttpExchange ex, int status, JsonObject body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private void count(String key) {
    stats.count(key);
  }

  /** Holds the request until the simulator closes or hang mode is switched off (no answer). */
  private void hangUntilReleased() {
    while (!closing && settings.get().hang()) {
      sleep(200);
    }
  }

  /** Holds a stream mid-answer until the simulator closes or hang-after-tokens is switched off. */
  private void hangStreamUntilReleased() {
    while (!closing && settings.get().hangAfterTokens() > 0) {
      sleep(200);
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code --host 127.0.0.1 --port 8091 --name sim-a --models a,b --first-token-ms 20 ...} */
  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    BackendSimulator sim =
        new BackendSimulator(
                args.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(args.getOrDefault("port", "8091")),
                SimulatorSettings.fromArgs(args))
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
    Thread.currentThread().join();
  }
}
