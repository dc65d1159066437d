package io.renqueue.simulator;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How one simulated backend behaves. Immutable; the server swaps the whole object when a test
 * changes it over {@code POST /sim/config}.
 *
 * @param models model names served; a request for another model gets 404 like OpenAI's
 * @param firstTokenMs delay before the first token (the whole answer for non-streaming calls)
 * @param tokensPerSecond generation speed after the first token; 0 means instant
 * @param errorRate share of chat calls answered with {@code errorStatus} (0..1)
 * @param requestsPerMinute fixed-window request limit answered with 429; 0 means unlimited
 * @param hang when true, chat calls are accepted and never answered
 * @param modelFirstTokenMs per-model overrides of {@code firstTokenMs}, to make one model slow
 * @param cutAfterTokens streams end after this many tokens without a finish (0: never)
 * @param hangAfterTokens streams stop sending after this many tokens and never end (0: never)
 * @param failPromptsContaining prompts containing this text always get {@code errorStatus} (a
 *     poison task: every backend fails it, other work is served); empty for none
 */
public record SimulatorSettings(
    String name,
    List<String> models,
    long firstTokenMs,
    double tokensPerSecond,
    double errorRate,
    int errorStatus,
    int requestsPerMinute,
    boolean hang,
    String apiKey,
    Map<String, Long> modelFirstTokenMs,
    int cutAfterTokens,
    int hangAfterTokens,
    String failPromptsContaining) {

  public SimulatorSettings {
    modelFirstTokenMs = Map.copyOf(modelFirstTokenMs);
    failPromptsContaining = failPromptsContaining == null ? "" : failPromptsContaining;
  }

  public SimulatorSettings(
      String name,
      List<String> models,
      long firstTokenMs,
      double tokensPerSecond,
      double errorRate,
      int errorStatus,
      int requestsPerMinute,
      boolean hang,
      String apiKey,
      Map<String, Long> modelFirstTokenMs) {
    this(
        name,
        models,
        firstTokenMs,
        tokensPerSecond,
        errorRate,
        errorStatus,
        requestsPerMinute,
        hang,
        apiKey,
        modelFirstTokenMs,
        0,
        0,
        "");
  }

  /** True when this prompt is one the simulator always fails. */
  public boolean poisoned(String prompt) {
    return !failPromptsContaining.isEmpty() && prompt.contains(failPromptsContaining);
  }

  /** Delay before the first token for this model. */
  public long firstTokenMs(String model) {
    return modelFirstTokenMs.getOrDefault(model, firstTokenMs);
  }

  public static SimulatorSettings defaults(String name) {
    return new SimulatorSettings(
        name, List.of("sim-small", "sim-large"), 20, 0, 0, 500, 0, false, null, Map.of());
  }

  public boolean serves(String model) {
    return models.contains(model) || models.contains("*");
  }

  /** Parses {@code --key value} command-line options over the defaults. */
  public static SimulatorSettings fromArgs(Map<String, String> args) {
    SimulatorSettings d = defaults(args.getOrDefault("name", "sim"));
    return new SimulatorSettings(
        d.name,
        args.containsKey("models") ? List.of(args.get("models").split(",")) : d.models,
        Long.parseLong(args.getOrDefault("first-token-ms", String.valueOf(d.firstTokenMs))),
        Double.parseDouble(
            args.getOrDefault("tokens-per-second", String.valueOf(d.tokensPerSecond))),
        Double.parseDouble(args.getOrDefault("error-rate", String.valueOf(d.errorRate))),
        Integer.parseInt(args.getOrDefault("error-status", String.valueOf(d.errorStatus))),
        Integer.parseInt(args.getOrDefault("rpm", String.valueOf(d.requestsPerMinute))),
        Boolean.parseBoolean(args.getOrDefault("hang", "false")),
        args.get("api-key"),
        Map.of());
  }

  /** Returns these settings with the fields present in {@code patch} replaced. */
  public SimulatorSettings merge(JsonObject patch) {
    return new SimulatorSettings(
        name,
        patch.containsKey("models")
            ? patch.getJsonArray("models").getValuesAs(JsonString::getString)
            : models,
        patch.containsKey("first_token_ms")
            ? patch.getJsonNumber("first_token_ms").longValue()
            : firstTokenMs,
        patch.containsKey("tokens_per_second")
            ? patch.getJsonNumber("tokens_per_second").doubleValue()
            : tokensPerSecond,
        patch.containsKey("error_rate")
            ? patch.getJsonNumber("error_rate").doubleValue()
            : errorRate,
        patch.containsKey("error_status") ? patch.getInt("error_status") : errorStatus,
        patch.containsKey("requests_per_minute")
            ? patch.getInt("requests_per_minute")
            : requestsPerMinute,
        patch.containsKey("hang") ? patch.getBoolean("hang") : hang,
        apiKey,
        patch.containsKey("model_first_token_ms")
            ? perModel(patch.getJsonObject("model_first_token_ms"))
            : modelFirstTokenMs,
        patch.containsKey("cut_after_tokens") ? patch.getInt("cut_after_tokens") : cutAfterTokens,
        patch.containsKey("hang_after_tokens")
            ? patch.getInt("hang_after_tokens")
            : hangAfterTokens,
        patch.containsKey("fail_prompts_containing")
            ? patch.getString("fail_prompts_containing")
            : failPromptsContaining);
  }

  private static Map<String, Long> perModel(JsonObject json) {
    Map<String, Long> delays = new java.util.HashMap<>();
    json.forEach((model, ms) -> delays.put(model, ((jakarta.json.JsonNumber) ms).longValue()));
    return delays;
  }

  public JsonObject toJson() {
    var models = Json.createArrayBuilder();
    this.models.forEach(models::add);
    return Json.createObjectBuilder()
        .add("name", name)
        .add("models", models)
        .add("first_token_ms", firstTokenMs)
        .add("tokens_per_second", tokensPerSecond)
        .add("error_rate", errorRate)
        .add("error_status", errorStatus)
        .add("requests_per_minute", requestsPerMinute)
        .add("hang", hang)
        .add(
            "model_first_token_ms",
            Json.createObjectBuilder(new java.util.HashMap<String, Object>(modelFirstTokenMs)))
        .add("api_key_required", apiKey != null)
        .add("cut_after_tokens", cutAfterTokens)
        .add("hang_after_tokens", hangAfterTokens)
        .add("fail_prompts_containing", failPromptsContaining)
        .build();
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%s models=%s first-token=%dms tokens/s=%s error-rate=%s rpm=%d hang=%s",
        name,
        models,
        firstTokenMs,
        tokensPerSecond,
        errorRate,
        requestsPerMinute,
        hang);
  }
}
