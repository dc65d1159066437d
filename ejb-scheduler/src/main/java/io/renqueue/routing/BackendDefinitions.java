package io.renqueue.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads backend definitions from configuration keys (MicroProfile Config in the server):
 *
 * <pre>
 * renqueue.backends=gpu-1,groq,openai                   names, in no particular order
 * renqueue.backend.gpu-1.url=http://10.0.0.5:8000/v1
 * renqueue.backend.gpu-1.kind=local                     local | cloud-free | cloud-paid
 * renqueue.backend.gpu-1.models=llama-3-8b=meta-llama/Meta-Llama-3-8B-Instruct,qwen   alias[=upstream]; * for any
 * renqueue.backend.gpu-1.model.llama-3-8b.context=8192  also .max-output, .features (tools,json,vision), .quality (1-10)
 * renqueue.backend.openai.api-key-env=OPENAI_API_KEY    the key stays in the environment
 * renqueue.backend.openai.price.input-per-1m=0.15       US dollars per million tokens; also .output-per-1m
 * renqueue.backend.groq.limits.requests-per-minute=30   also .tokens-per-minute, .requests-per-day, .max-concurrency
 * renqueue.backend.groq.tags=region=us,tier=free
 * renqueue.backend.groq.timeout-ms=60000                one attempt; default backend.timeout-ms
 * renqueue.backend.groq.max-retries=2                   default backend.max-retries
 * </pre>
 *
 * A wrong value stops the application with the key named: a backend silently misread would route
 * traffic (and money) the wrong way.
 */
public final class BackendDefinitions {

  private BackendDefinitions() {}

  public static List<BackendDefinition> read(Function<String, Optional<String>> config) {
    List<BackendDefinition> backends = new ArrayList<>();
    for (String raw : config.apply("renqueue.backends").orElse("").split(",")) {
      String name = raw.trim();
      if (!name.isEmpty()) {
        backends.add(readOne(name, config));
      }
    }
    return backends;
  }

  static BackendDefinition readOne(String name, Function<String, Optional<String>> config) {
    String p = "renqueue.backend." + name + ".";
    String url =
        config
            .apply(p + "url")
            .orElseThrow(
                () -> new IllegalArgumentException("Backend " + name + " has no " + p + "url"));
    BackendKind kind =
        wrap(p + "kind", () -> BackendKind.fromWire(config.apply(p + "kind").orElse("local")));
    List<ModelOffer> models = new ArrayList<>();
    for (String entry : config.apply(p + "models").orElse("*").split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      String alias = eq < 0 ? e : e.substring(0, eq).trim();
      String upstream = eq < 0 ? e : e.substring(eq + 1).trim();
      String m = p + "model." + alias + ".";
      Set<Feature> features = EnumSet.noneOf(Feature.class);
      for (String f : config.apply(m + "features").orElse("").split(",")) {
        if (!f.isBlank()) {
          features.add(wrap(m + "features", () -> Feature.fromWire(f)));
        }
      }
      models.add(
          new ModelOffer(
              alias,
              upstream,
              positive(config, m + "context", ModelOffer.DEFAULT_CONTEXT),
              positive(config, m + "max-output", ModelOffer.DEFAULT_MAX_OUTPUT),
              features,
              positive(config, m + "quality", ModelOffer.DEFAULT_QUALITY)));
    }
    Price price =
        wrap(
            p + "price",
            () ->
                new Price(
                    number(config, p + "price.input-per-1m", 0),
                    number(config, p + "price.output-per-1m", 0)));
    RateLimits limits =
        wrap(
            p + "limits",
            () ->
                new RateLimits(
                    (int) number(config, p + "limits.requests-per-minute", 0),
                    (int) number(config, p + "limits.tokens-per-minute", 0),
                    (int) number(config, p + "limits.requests-per-day", 0),
                    (int) number(config, p + "limits.max-concurrency", 0)));
    Map<String, String> tags = new LinkedHashMap<>();
    for (String pair : config.apply(p + "tags").orElse("").split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException(p + "tags: '" + pair.trim() + "' is not key=value");
      }
      tags.put(kv[0].trim(), kv[1].trim());
    }
    long timeoutMs =
        (long) number(config, p + "timeout-ms", number(config, "backend.timeout-ms", 60_000));
    int retries = (int) number(config, p + "max-retries", number(config, "backend.max-retries", 2));
    return new BackendDefinition(
        name,
        kind,
        url,
        config.apply(p + "api-key-env").filter(s -> !s.isBlank()).orElse(null),
        models,
        price,
        limits,
        tags,
        Duration.ofMillis(timeoutMs),
        retries);
  }

  private static int positive(Function<String, Optional<String>> config, String key, int dflt) {
    double v = number(config, key, dflt);
    if (v < 1) {
      throw new IllegalArgumentException(key + " must be at least 1");
    }
    return (int) v;
  }

  private static double number(Function<String, Optional<String>> config, String key, double dflt) {
    Optional<String> v = config.apply(key).filter(s -> !s.isBlank());
    if (v.isEmpty()) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(v.get().trim());
      if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(key + " must be a number ≥ 0, not '" + v.get() + "'");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, not '" + v.get() + "'");
    }
  }

  private static <T> T wrap(String key, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().contains(key)
          ? e
          : new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }
}
