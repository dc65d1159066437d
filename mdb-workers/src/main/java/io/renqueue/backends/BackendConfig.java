package io.renqueue.backends;

import java.time.Duration;
import java.util.Set;

/**
 * One OpenAI-compatible backend: a local model server (vLLM, Ollama, llama.cpp, TGI) or a cloud
 * API. {@code baseUrl} ends where the OpenAI SDKs' base URL ends, usually in {@code /v1}.
 *
 * @param models model names it serves; {@code *} means any
 */
public record BackendConfig(
    String name, String baseUrl, String apiKey, Set<String> models, Duration requestTimeout) {

  public boolean serves(String model) {
    return models.contains(model) || models.contains("*");
  }

  @Override
  public String toString() {
    // Never print the key.
    return name + " (" + baseUrl + ", models " + models + ")";
  }
}
