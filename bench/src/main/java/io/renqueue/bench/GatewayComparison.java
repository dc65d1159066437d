package io.renqueue.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ren-Queue against a static priority-order fallback gateway (Portkey's open-source gateway from
 * npm, fallback targets local → free → paid) on the same simulators and the same workload, both
 * called the way an application calls an OpenAI-compatible endpoint. The local simulator has 2 GPU
 * slots (more requests queue there, as on a full vLLM), the free one 60 requests a minute (429
 * beyond), the paid one no limit. Also measures what each gateway adds to a single request's
 * latency, against calling the backend directly.
 */
final class GatewayComparison {

  static final Duration TARGET = Duration.ofSeconds(3);
  static final int PORTKEY_PORT = 28787;

  private final BenchConfig config;
  private final BenchHttp sims;
  // HTTP/1.1 only: the default h2c upgrade headers (Connection: Upgrade) are forwarded by Portkey
  // to its own HTTP client, which refuses them.
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newFixedThreadPool(64))
          .build();

  GatewayComparison(BenchConfig config, BenchHttp sims) {
    this.config = config;
    this.sims = sims;
  }

  String run(String local, String free, String paid, int perSecond, int seconds) throws Exception {
    Path dir = Path.of(System.getProperty("bench.portkey.dir", "bench/portkey"));
    Process portkey;
    try {
      portkey = startPortkey(dir);
    } catch (Exception e) {
      return "### Ren-Queue against a static fallback gateway\n\nNot run: " + e.getMessage() + "\n";
    }
    try {
      String portkeyUrl = "http://127.0.0.1:" + PORTKEY_PORT + "/v1/chat/completions";
      String fallback =
          Json.createObjectBuilder()
              .add(
                  "strategy",
                  Json.createObjectBuilder()
                      .add("mode", "fallback")
                      .add(
                          "on_status_codes",
                          Json.createArrayBuilder(List.of(429, 500, 502, 503, 504))))
              .add(
                  "targets",
                  Json.createArrayBuilder().add(target(local)).add(target(free)).add(target(paid)))
              .build()
              .toString();
      String localOnly =
          Json.createObjectBuilder()
              .add("targets", Json.createArrayBuilder().add(target(local)))
              .add("strategy", Json.createObjectBuilder().add("mode", "fallback"))
              .build()
              .toString();
      String renqueueUrl = config.apiUrl() + "/v1/chat/completions";

      // What a gateway adds to one request: 200 requests one after the other, instant backend.
      setUp(local, free, paid, 0, 0);
      long direct = medianMillis(local + "/v1/chat/completions", Map.of(), 200);
      long viaPortkey = medianMillis(portkeyUrl, Map.of("x-portkey-config", localOnly), 200);
      long viaRenqueue = medianMillis(renqueueUrl, Map.of(), 200);

      double perRequest = paidCostPerRequest(paid);
      setUp(local, free, paid, 200, 2);
      Run p = load(portkeyUrl, Map.of("x-portkey-config", fallback), perSecond, seconds);
      Served portkeyServed = served(local, free, paid);
      Thread.sleep(3000);
      setUp(local, free, paid, 200, 2);
      Run r = load(renqueueUrl, Map.of(), perSecond, seconds);
      Served renqueueServed = served(local, free, paid);
      int n = perSecond * seconds;
      return String.format(
          Locale.ROOT,
          """
          ### Ren-Queue against a static fallback gateway (Portkey %s)

          Same simulators, same workload, both called as an OpenAI-compatible endpoint (`POST /v1/chat/completions`, no streaming): %d requests at %d/s, `max_tokens` 16. Local: 2 GPU slots, 200 ms per answer (10/s; requests beyond 2 queue on the server); free: 60 requests a minute (429 beyond), 200 ms; paid: unlimited, 200 ms, $0.50 / $1.50 per 1M tokens. Latency target: %d s per request. Portkey: fallback targets local → free → paid on 429/5xx. Ren-Queue: the `bench-routing` configuration (local max-concurrency 2, free 60/min, paid), 2 workers × 4 slots.

          | | Portkey (static fallback) | Ren-Queue |
          |---|---|---|
          | answered 200 | %d | %d |
          | within %d s | %.1f %% | %.1f %% |
          | latency p50 / p99 (ms) | %d / %d | %d / %d |
          | served by local / free / paid | %d / %d / %d | %d / %d / %d |
          | 429s the free backend answered | %d | %d |
          | cost | $%.6f | $%.6f |
          | **cost ÷ all-paid baseline ($%.6f)** | **%.2f** | **%.2f** |

          What a gateway adds to one request (200 sequential requests, instant backend, median): direct %d ms; via Portkey %d ms (+%d); via Ren-Queue's durable sync path %d ms (+%d).
          """,
          "1.15.2",
          n,
          perSecond,
          TARGET.toSeconds(),
          p.ok(),
          r.ok(),
          TARGET.toSeconds(),
          100.0 * p.withinTarget() / n,
          100.0 * r.withinTarget() / n,
          p.p50(),
          p.p99(),
          r.p50(),
          r.p99(),
          portkeyServed.local(),
          portkeyServed.free(),
          portkeyServed.paid(),
          renqueueServed.local(),
          renqueueServed.free(),
          renqueueServed.paid(),
          portkeyServed.rateLimited(),
          renqueueServed.rateLimited(),
          portkeyServed.paid() * perRequest,
          renqueueServed.paid() * perRequest,
          n * perRequest,
          portkeyServed.paid() / (double) n,
          renqueueServed.paid() / (double) n,
          direct,
          viaPortkey,
          viaPortkey - direct,
          viaRenqueue,
          viaRenqueue - direct);
    } finally {
      portkey.destroy();
      if (!portkey.waitFor(10, TimeUnit.SECONDS)) {
        portkey.destroyForcibly();
      }
    }
  }

  private static JsonObject target(String sim) {
    return Json.createObjectBuilder()
        .add("provider", "openai")
        .add("custom_host", sim + "/v1")
        .add("api_key", "sk-bench")
        .build();
  }

  private void setUp(String local, String free, String paid, int firstTokenMs, int localSlots)
      throws Exception {
    for (String sim : List.of(local, free, paid)) {
      sims.simulator(
          sim + "/sim/config",
          "{\"first_token_ms\":"
              + firstTokenMs
              + ",\"error_rate\":0,\"requests_per_minute\":"
              + (sim.equals(free) ? 60 : 0)
              + "}");
      sims.simulator(sim + "/sim/stats", "");
    }
    sims.simulator(local + "/sim/slots", "{\"slots\":" + localSlots + "}");
  }

  private record Served(long local, long free, long paid, long rateLimited) {}

  private Served served(String local, String free, String paid) throws Exception {
    JsonObject f = sims.simulatorStats(free);
    return new Served(
        sims.simulatorStats(local).getInt("chat_completions"),
        f.getInt("chat_completions") - f.getInt("rate_limited"),
        sims.simulatorStats(paid).getInt("chat_completions"),
        f.getInt("rate_limited"));
  }

  /** One request's price on the paid backend (every request of the workload is the same size). */
  private double paidCostPerRequest(String paid) throws Exception {
    HttpResponse<String> r = post(paid + "/v1/chat/completions", Map.of(), body("calibration 0"));
    JsonObject usage = read(r.body()).getJsonObject("usage");
    return (usage.getInt("prompt_tokens") * 0.5 + usage.getInt("completion_tokens") * 1.5) / 1e6;
  }

  private record Run(int ok, int withinTarget, long p50, long p99) {}

  private Run load(String url, Map<String, String> headers, int perSecond, int seconds)
      throws Exception {
    String runId = "gateway-" + UUID.randomUUID();
    int n = perSecond * seconds;
    List<CompletableFuture<long[]>> calls = new ArrayList<>();
    ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
    for (int i = 0; i < n; i++) {
      int k = i;
      CompletableFuture<long[]> call = new CompletableFuture<>();
      calls.add(call);
      pace.schedule(
          () -> {
            long start = System.nanoTime();
            send(url, headers, body(runId + " " + k))
                .whenComplete(
                    (status, e) ->
                        call.complete(
                            new long[] {
                              e == null ? status : 0, (System.nanoTime() - start) / 1_000_000
                            }));
          },
          1_000_000L * i / perSecond,
          TimeUnit.MICROSECONDS);
    }
    List<Long> latencies = new ArrayList<>();
    int ok = 0;
    int within = 0;
    for (CompletableFuture<long[]> c : calls) {
      long[] v = c.get(10, TimeUnit.MINUTES);
      latencies.add(v[1]);
      if (v[0] == 200) {
        ok++;
        if (v[1] <= TARGET.toMillis()) {
          within++;
        }
      }
    }
    pace.shutdown();
    Percentiles pct = new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray());
    return new Run(ok, within, pct.at(50), pct.at(99));
  }

  private long medianMillis(String url, Map<String, String> headers, int n) throws Exception {
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < n + 20; i++) {
      long start = System.nanoTime();
      HttpResponse<String> r = post(url, headers, body("overhead " + i));
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
      }
      if (i >= 20) { // the first 20 warm up connections and JIT
        latencies.add((System.nanoTime() - start) / 1_000_000);
      }
    }
    return new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray()).at(50);
  }

  private CompletableFuture<Integer> send(String url, Map<String, String> headers, String body) {
    return http.sendAsync(request(url, headers, body), HttpResponse.BodyHandlers.discarding())
        .thenApply(HttpResponse::statusCode);
  }

  private HttpResponse<String> post(String url, Map<String, String> headers, String body)
      throws Exception {
    return http.send(request(url, headers, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(String url, Map<String, String> headers, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer sk-bench");
    headers.forEach(b::header);
    return b.POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static String body(String prompt) {
    return "{\"model\":\"sim-small\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
        + prompt
        + "\"}]}";
  }

  /** Installs the pinned gateway with npm on first use and starts it on 127.0.0.1. */
  static Process startPortkey(Path dir) throws Exception {
    Path server = dir.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
    if (!Files.exists(server)) {
      run(dir, List.of("npm", "install", "--no-audit", "--no-fund", "--no-package-lock"));
    }
    Process p =
        new ProcessBuilder(
                "node",
                "--import",
                "./loopback-only.mjs",
                server.toAbsolutePath().toString(),
                "--port=" + PORTKEY_PORT,
                "--headless")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("portkey.log").toFile())
            .start();
    for (int i = 0; i < 100; i++) {
      try (var s = new java.net.Socket("127.0.0.1", PORTKEY_PORT)) {
        return p;
      } catch (java.io.IOException e) {
        if (!p.isAlive()) {
          throw new IllegalStateException(
              "Portkey's gateway exited; see " + dir.resolve("portkey.log"));
        }
        Thread.sleep(200);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("Portkey's gateway did not listen within 20 s");
  }

  private static void run(Path dir, List<String> command) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "needs Node.js 20+ and npm on the PATH (" + e.getMessage() + ")");
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed in " + dir);
    }
  }

  private static JsonObject read(String json) {
    try (var r = Json.createReader(new StringReader(json))) {
      return r.readObject();
    }
  }
}
