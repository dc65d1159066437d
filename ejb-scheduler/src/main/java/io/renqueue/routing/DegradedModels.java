package io.renqueue.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The degraded path: for a model, the smaller one to answer with when every backend of the model
 * itself failed ({@code renqueue.routing.degraded-models=llama-70b=llama-8b,gpt-4o=gpt-4o-mini}).
 * One step only: the smaller model's own entry is not followed, so a chain cannot loop and a task
 * is never answered by a model two steps from what it asked for.
 */
public final class DegradedModels {

  public static final DegradedModels NONE = new DegradedModels(Map.of());

  private final Map<String, String> smaller;

  private DegradedModels(Map<String, String> smaller) {
    this.smaller = Map.copyOf(smaller);
  }

  /**
   * @throws IllegalArgumentException naming the entry that is not {@code model=smaller}
   */
  public static DegradedModels parse(String setting) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String entry : setting == null ? new String[0] : setting.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] kv = entry.split("=", 2);
      if (kv.length != 2
          || kv[0].isBlank()
          || kv[1].isBlank()
          || kv[0].trim().equals(kv[1].trim())) {
        throw new IllegalArgumentException(
            "renqueue.routing.degraded-models: '" + entry.trim() + "' is not model=smaller-model");
      }
      map.put(kv[0].trim(), kv[1].trim());
    }
    return new DegradedModels(map);
  }

  public Optional<String> smallerThan(String model) {
    return Optional.ofNullable(smaller.get(model));
  }

  public Map<String, String> asMap() {
    return smaller;
  }
}
