package io.renqueue.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backend as configured: where it is, what it serves, what it costs and allows. The API key is
 * not here: only the name of the environment variable that holds it, so a definition can be stored,
 * listed and logged.
 *
 * @param timeout how long one attempt may take before it is abandoned
 * @param maxRetries attempts after the first on this backend, for retryable failures only
 */
public record BackendDefinition(
    String name,
    BackendKind kind,
    String baseUrl,
    String apiKeyEnv,
    List<ModelOffer> models,
    Price price,
    RateLimits limits,
    Map<String, String> tags,
    Duration timeout,
    int maxRetries) {

  public BackendDefinition {
    models = List.copyOf(models);
    tags = Map.copyOf(tags);
  }

  /** The offer that serves a requested model: an exact alias first, else a wildcard. */
  public Optional<ModelOffer> offerFor(String model) {
    return models.stream()
        .filter(m -> !m.isWildcard() && m.serves(model))
        .findFirst()
        .or(() -> models.stream().filter(ModelOffer::isWildcard).findFirst());
  }
}
