package io.renqueue.simulator;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a simulator saw: named counters, requests in flight (and the peak), and per prompt how often
 * it arrived and how often it was answered in full. Thread-safe; what {@code GET /sim/stats} shows.
 */
final class SimulatorStats {

  private static final int MAX_TRACKED_PROMPTS = 10_000;

  /** Always shown, 0 until counted. */
  private static final List<String> COUNTERS =
      List.of(
          "requests_total",
          "chat_completions",
          "embeddings",
          "rate_limited",
          "errors_injected",
          "poison_failures",
          "hung",
          "streams_cut",
          "streams_hung",
          "throttled",
          "requests_before_retry_after");

  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final Map<String, AtomicLong> prompts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> completed = new ConcurrentHashMap<>();

  void count(String key) {
    counters.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  void started() {
    peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
  }

  void ended() {
    inFlight.decrementAndGet();
  }

  void prompt(String prompt) {
    track(prompts, prompt);
  }

  /** Answers sent in full, per prompt: a task answered twice shows here as 2. */
  void completed(String prompt) {
    track(completed, prompt);
  }

  void reset() {
    counters.clear();
    prompts.clear();
    completed.clear();
    peakInFlight.set(inFlight.get());
  }

  JsonObject toJson(String name) {
    var b = Json.createObjectBuilder().add("name", name);
    for (String key : COUNTERS) {
      AtomicLong n = counters.get(key);
      b.add(key, n == null ? 0 : n.get());
    }
    b.add("in_flight", inFlight.get()).add("peak_in_flight", peakInFlight.get());
    var p = Json.createObjectBuilder();
    prompts.forEach((k, v) -> p.add(k, v.get()));
    b.add("prompts", p);
    var c = Json.createObjectBuilder();
    completed.forEach((k, v) -> c.add(k, v.get()));
    b.add("completed", c);
    return b.build();
  }

  private static void track(Map<String, AtomicLong> perPrompt, String prompt) {
    if (perPrompt.size() < MAX_TRACKED_PROMPTS || perPrompt.containsKey(prompt)) {
      perPrompt.computeIfAbsent(prompt, k -> new AtomicLong()).incrementAndGet();
    }
  }
}
