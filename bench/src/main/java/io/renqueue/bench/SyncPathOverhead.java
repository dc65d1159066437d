package io.renqueue.bench;

import jakarta.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the synchronous {@code POST /v1/chat/completions} path adds to a backend that answers in
 * {@code backendMs}: sequential requests direct to the simulator, through Portkey's gateway and
 * through Ren-Queue (median and p99, and what each adds to direct); then, at as many concurrent
 * callers as Ren-Queue has worker slots, requests per second direct and through Ren-Queue (how much
 * of the slots' time goes to the backend rather than to Ren-Queue).
 */
final class SyncPathOverhead {

  private final BenchConfig config;
  private final BenchHttp sims;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newFixedThreadPool(32))
          .build();

  SyncPathOverhead(BenchConfig config, BenchHttp sims) {
    this.config = config;
    this.sims = sims;
  }

  String run(List<String> simulators, int backendMs, int sequential, int slots, int seconds)
      throws Exception {
    for (String sim : simulators) {
      sims.simulator(
          sim + "/sim/config",
          "{\"first_token_ms\":" + backendMs + ",\"error_rate\":0,\"requests_per_minute\":0}");
      sims.simulator(sim + "/sim/slots", "{\"slots\":64}");
    }
    String direct = simulators.get(0) + "/v1/chat/completions";
    String renqueue = config.apiUrl() + "/v1/chat/completions";
    Percentiles d = sequential(direct, Map.of(), sequential);
    Percentiles r = sequential(renqueue, Map.of(), sequential);
    Percentiles p = null;
    String portkeyProblem = null;
    Process portkey = null;
    try {
      portkey =
          GatewayComparison.startPortkey(
              Path.of(System.getProperty("bench.portkey.dir", "bench/portkey")));
      String localOnly =
          Json.createObjectBuilder()
              .add(
                  "targets",
                  Json.createArrayBuilder()
                      .add(
                          Json.createObjectBuilder()
                              .add("provider", "openai")
                              .add("custom_host", simulators.get(0) + "/v1")
                              .add("api_key", "sk-bench")))
              .add("strategy", Json.createObjectBuilder().add("mode", "fallback"))
              .build()
              .toString();
      p =
          sequential(
              "http://127.0.0.1:" + GatewayComparison.PORTKEY_PORT + "/v1/chat/completions",
              Map.of("x-portkey-config", localOnly),
              sequential);
    } catch (Exception e) {
      portkeyProblem = e.getMessage();
    } finally {
      if (portkey != null) {
        portkey.destroy();
      }
    }
    double directRps = concurrent(direct, slots, seconds);
    double renqueueRps = concurrent(renqueue, slots, seconds);

    long rAdded50 = r.at(50) - d.at(50);
    long rAdded99 = r.at(99) - d.at(99);
    String portkeyRow =
        p == null
            ? "| via Portkey 1.15.2 | not run: " + portkeyProblem + " | | |\n"
            : String.format(
                Locale.ROOT,
                "| via Portkey 1.15.2 | %d / %d | +%d / +%d | |%n",
                p.at(50),
                p.at(99),
                p.at(50) - d.at(50),
                p.at(99) - d.at(99));
    String ratio =
        p == null || p.at(50) - d.at(50) <= 0
            ? "n/a"
            : String.format(
                Locale.ROOT, "%.2f", (double) rAdded50 / Math.max(1, p.at(50) - d.at(50)));
    return String.format(
        Locale.ROOT,
        """
        ### Synchronous /v1/chat/completions: what the path adds

        Backend: the simulator answering in %d ms (first token), `max_tokens` 16. %d sequential \
        requests each (after 20 to warm up), then %d concurrent callers (= Ren-Queue's worker \
        slots) for %d s.

        | path | p50 / p99 (ms) | added to direct p50 / p99 (ms) | requests/s at %d concurrent |
        |---|---|---|---|
        | direct to the simulator | %d / %d | | %.1f |
        %s| via Ren-Queue (durable: one insert, one outcome) | %d / %d | +%d / +%d | %.1f |

        - Ren-Queue's median added ÷ Portkey's median added: **%s** (target ≤ 1.5)
        - Ren-Queue's p99 added: **%d ms** (target ≤ 20)
        - requests/s via Ren-Queue ÷ direct at %d concurrent: **%.2f** (target ≥ 0.85)
        """,
        backendMs,
        sequential,
        slots,
        seconds,
        slots,
        d.at(50),
        d.at(99),
        directRps,
        portkeyRow,
        r.at(50),
        r.at(99),
        rAdded50,
        rAdded99,
        renqueueRps,
        ratio,
        rAdded99,
        slots,
        renqueueRps / directRps);
  }

  private Percentiles sequential(String url, Map<String, String> headers, int n) throws Exception {
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < n + 20; i++) {
      long start = System.nanoTime();
      HttpResponse<String> r = post(url, headers, "sync overhead " + i);
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
      }
      if (i >= 20) {
        latencies.add((System.nanoTime() - start) / 1_000_000);
      }
    }
    return new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray());
  }

  /** Requests per second that {@code callers} back-to-back callers get answered with 200. */
  private double concurrent(String url, int callers, int seconds) throws Exception {
    // A short warm-up at the same concurrency, then the measured window.
    for (int round = 0; round < 2; round++) {
      long until = System.nanoTime() + (round == 0 ? 3 : seconds) * 1_000_000_000L;
      AtomicLong ok = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      List<Future<?>> work = new ArrayList<>();
      long start = System.nanoTime();
      for (int c = 0; c < callers; c++) {
        int caller = c;
        work.add(
            pool.submit(
                () -> {
                  int i = 0;
                  while (System.nanoTime() < until) {
                    if (post(url, Map.of(), "concurrent " + caller + " " + i++).statusCode()
                        == 200) {
                      ok.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      pool.shutdown();
      if (round == 1) {
        return ok.get() / ((System.nanoTime() - start) / 1e9);
      }
    }
    throw new AssertionError();
  }

  private HttpResponse<String> post(String url, Map<String, String> headers, String prompt)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofMinutes(2))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer sk-bench");
    headers.forEach(b::header);
    String body =
        "{\"model\":\"sim-small\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt
            + "\"}]}";
    return http.send(
        b.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
