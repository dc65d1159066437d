package io.renqueue.routing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A backend definition as JSON, the form of the admin API ({@code /api/v1/backends}) and of the
 * rows it stores:
 *
 * <pre>
 * {"url": "http://10.0.0.5:8000/v1", "kind": "local", "api_key_env": "GPU_KEY",
 *  "models": [{"alias": "llama-3-8b", "upstream": "meta-llama/Meta-Llama-3-8B-Instruct",
 *              "context": 8192, "max_output": 4096, "features": ["tools"], "quality": 6}],
 *  "price": {"input_per_1m": 0, "output_per_1m": 0},
 *  "limits": {"requests_per_minute": 0, "tokens_per_minute": 0, "requests_per_day": 0,
 *             "max_concurrency": 2},
 *  "tags": {"region": "eu"}, "timeout_ms": 60000, "max_retries": 2}
 * </pre>
 *
 * Only {@code url} is required. JSON is translated into the configuration keys {@link
 * BackendDefinitions} reads, so a definition means the same, and is checked the same way, whether
 * it comes from server.xml or from the API. The API key itself is never part of it: only the name
 * of the environment variable that holds it.
 */
public final class BackendJson {

  /** Names end up in config keys, metric tags and URLs. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "url",
          "kind",
          "api_key_env",
          "models",
          "price",
          "limits",
          "tags",
          "timeout_ms",
          "max_retries",
          "source");
  private static final Set<String> MODEL_FIELDS =
      Set.of("alias", "upstream", "context", "max_output", "features", "quality");
  private static final Set<String> PRICE_FIELDS = Set.of("input_per_1m", "output_per_1m");
  private static final Set<String> LIMIT_FIELDS =
      Set.of("requests_per_minute", "tokens_per_minute", "requests_per_day", "max_concurrency");

  private BackendJson() {}

  /**
   * The definition a JSON document describes.
   *
   * @param defaults the server's configuration, for what the document leaves out (the default
   *     timeout and retries)
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public static BackendDefinition read(
      String name, JsonObject json, Function<String, Optional<String>> defaults) {
    checkName(name);
    Map<String, String> keys = toKeys(name, json);
    String prefix = "renqueue.backend." + name + ".";
    BackendDefinition d;
    try {
      d =
          BackendDefinitions.readOne(
              name,
              key ->
                  key.startsWith(prefix)
                      ? Optional.ofNullable(keys.get(key))
                      : defaults.apply(key));
    } catch (IllegalArgumentException e) {
      // Its messages name configuration keys; an API caller knows the JSON fields.
      throw new IllegalArgumentException(String.valueOf(e.getMessage()).replace(prefix, ""), e);
    }
    checkUrl(d.baseUrl());
    return d;
  }

  public static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a backend name is 1–63 lower-case letters, digits, '-' or '_', starting with a letter"
              + " or digit");
    }
  }

  public static JsonObject write(BackendDefinition d) {
    JsonArrayBuilder models = Json.createArrayBuilder();
    for (ModelOffer m : d.models()) {
      JsonArrayBuilder features = Json.createArrayBuilder();
      m.features().stream().map(Feature::wireName).sorted().forEach(features::add);
      models.add(
          Json.createObjectBuilder()
              .add("alias", m.alias())
              .add("upstream", m.upstream())
              .add("context", m.contextWindow())
              .add("max_output", m.maxOutput())
              .add("features", features)
              .add("quality", m.quality()));
    }
    JsonObjectBuilder tags = Json.createObjectBuilder();
    d.tags().forEach(tags::add);
    JsonObjectBuilder o =
        Json.createObjectBuilder()
            .add("name", d.name())
            .add("url", d.baseUrl())
            .add("kind", d.kind().wireName());
    if (d.apiKeyEnv() != null) {
      o.add("api_key_env", d.apiKeyEnv());
    }
    return o.add("models", models)
        .add(
            "price",
            Json.createObjectBuilder()
                .add("input_per_1m", d.price().inputPerMillion())
                .add("output_per_1m", d.price().outputPerMillion()))
        .add(
            "limits",
            Json.createObjectBuilder()
                .add("requests_per_minute", d.limits().requestsPerMinute())
                .add("tokens_per_minute", d.limits().tokensPerMinute())
                .add("requests_per_day", d.limits().requestsPerDay())
                .add("max_concurrency", d.limits().maxConcurrency()))
        .add("tags", tags)
        .add("timeout_ms", d.timeout().toMillis())
        .add("max_retries", d.maxRetries())
        .build();
  }

  private static Map<String, String> toKeys(String name, JsonObject json) {
    unknown(json, FIELDS, "");
    String p = "renqueue.backend." + name + ".";
    Map<String, String> keys = new LinkedHashMap<>();
    if (json.containsKey("name") && !name.equals(text(json, "name"))) {
      throw new IllegalArgumentException("'name' must match the path (" + name + ")");
    }
    keys.put(p + "url", text(json, "url"));
    optionalText(json, "kind").ifPresent(v -> keys.put(p + "kind", v));
    optionalText(json, "api_key_env").ifPresent(v -> keys.put(p + "api-key-env", v));
    if (json.containsKey("models")) {
      keys.put(p + "models", models(json.get("models"), p, keys));
    }
    if (json.get("price") instanceof JsonObject price) {
      unknown(price, PRICE_FIELDS, "price.");
      number(price, "input_per_1m", "price.").ifPresent(v -> keys.put(p + "price.input-per-1m", v));
      number(price, "output_per_1m", "price.")
          .ifPresent(v -> keys.put(p + "price.output-per-1m", v));
    } else if (json.containsKey("price")) {
      throw new IllegalArgumentException("'price' must be an object");
    }
    if (json.get("limits") instanceof JsonObject limits) {
      unknown(limits, LIMIT_FIELDS, "limits.");
      for (String f : LIMIT_FIELDS) {
        number(limits, f, "limits.")
            .ifPresent(v -> keys.put(p + "limits." + f.replace('_', '-'), v));
      }
    } else if (json.containsKey("limits")) {
      throw new IllegalArgumentException("'limits' must be an object");
    }
    if (json.get("tags") instanceof JsonObject tags) {
      StringBuilder pairs = new StringBuilder();
      for (Map.Entry<String, JsonValue> t : tags.entrySet()) {
        if (!(t.getValue() instanceof JsonString v)
            || plain(t.getKey()).isEmpty()
            || plain(v.getString()).isEmpty()) {
          throw new IllegalArgumentException(
              "'tags' must map names to strings without ',' or '=' ('" + t.getKey() + "')");
        }
        pairs
            .append(pairs.isEmpty() ? "" : ",")
            .append(t.getKey())
            .append('=')
            .append(v.getString());
      }
      keys.put(p + "tags", pairs.toString());
    } else if (json.containsKey("tags")) {
      throw new IllegalArgumentException("'tags' must be an object");
    }
    number(json, "timeout_ms", "").ifPresent(v -> keys.put(p + "timeout-ms", v));
    number(json, "max_retries", "").ifPresent(v -> keys.put(p + "max-retries", v));
    return keys;
  }

  /** The {@code models} key, with each model's own keys added to {@code keys}. */
  private static String models(JsonValue value, String p, Map<String, String> keys) {
    if (!(value instanceof JsonArray list) || list.isEmpty()) {
      throw new IllegalArgumentException("'models' must be a non-empty array");
    }
    StringBuilder aliases = new StringBuilder();
    for (JsonValue v : list) {
      String alias;
      String upstream;
      if (v instanceof JsonString s) {
        alias = s.getString();
        upstream = alias;
      } else if (v instanceof JsonObject m) {
        unknown(m, MODEL_FIELDS, "models[].");
        alias = text(m, "alias");
        upstream = optionalText(m, "upstream").orElse(alias);
        String mp = p + "model." + alias + ".";
        number(m, "context", "models[].").ifPresent(n -> keys.put(mp + "context", n));
        number(m, "max_output", "models[].").ifPresent(n -> keys.put(mp + "max-output", n));
        number(m, "quality", "models[].").ifPresent(n -> keys.put(mp + "quality", n));
        if (m.containsKey("features")) {
          keys.put(mp + "features", features(m.get("features")));
        }
      } else {
        throw new IllegalArgumentException("each of 'models' must be a name or an object");
      }
      if (plain(alias).isEmpty() || plain(upstream).isEmpty()) {
        throw new IllegalArgumentException(
            "model names must be non-empty and contain no ',' or '=' ('" + alias + "')");
      }
      aliases
          .append(aliases.isEmpty() ? "" : ",")
          .append(alias)
          .append(alias.equals(upstream) ? "" : "=" + upstream);
    }
    return aliases.toString();
  }

  private static String features(JsonValue value) {
    if (!(value instanceof JsonArray list)) {
      throw new IllegalArgumentException("'models[].features' must be an array of names");
    }
    StringBuilder names = new StringBuilder();
    for (JsonValue f : list) {
      if (!(f instanceof JsonString s) || plain(s.getString()).isEmpty()) {
        throw new IllegalArgumentException("'models[].features' must be an array of names");
      }
      names.append(names.isEmpty() ? "" : ",").append(s.getString());
    }
    return names.toString();
  }

  private static void unknown(JsonObject o, Set<String> known, String path) {
    List<String> extra = o.keySet().stream().filter(k -> !known.contains(k)).sorted().toList();
    if (!extra.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown field '"
              + path
              + extra.get(0)
              + "'; known: "
              + known.stream().sorted().toList());
    }
  }

  private static String text(JsonObject o, String field) {
    return optionalText(o, field)
        .orElseThrow(() -> new IllegalArgumentException("'" + field + "' is required"));
  }

  private static Optional<String> optionalText(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return Optional.empty();
    }
    if (!(v instanceof JsonString s) || s.getString().isBlank()) {
      throw new IllegalArgumentException("'" + field + "' must be a non-empty string");
    }
    return Optional.of(s.getString().trim());
  }

  private static Optional<String> number(JsonObject o, String field, String path) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return Optional.empty();
    }
    if (!(v instanceof JsonNumber n) || n.doubleValue() < 0) {
      throw new IllegalArgumentException("'" + path + field + "' must be a number ≥ 0");
    }
    return Optional.of(n.toString());
  }

  /** The text, or empty when it cannot be written into a comma/equals-separated config value. */
  private static String plain(String s) {
    return s == null || s.isBlank() || s.contains(",") || s.contains("=") ? "" : s.trim();
  }

  private static void checkUrl(String url) {
    try {
      URI uri = URI.create(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'url' must be an http(s) URL such as http://10.0.0.5:8000/v1, not '" + url + "'");
    }
  }
}
