package io.renqueue.backends;

import java.time.Duration;

/**
 * Where one attempt goes: a backend's base URL (ending where the OpenAI SDKs' base URL ends,
 * usually {@code /v1}), its key, and the model name the backend itself uses.
 *
 * @param timeout the whole attempt, first token to last
 */
public record BackendTarget(
    String name, String baseUrl, String apiKey, String upstreamModel, Duration timeout) {

  @Override
  public String toString() {
    // Never print the key.
    return name + " (" + baseUrl + ", model " + upstreamModel + ")";
  }
}
