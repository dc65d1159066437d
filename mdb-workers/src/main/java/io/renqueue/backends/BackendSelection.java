package io.renqueue.backends;

import java.util.List;

/**
 * Which backends may run a model, in the order to try them: the configured order, filtered by the
 * models each one serves. The first is the primary, the second the fallback.
 */
public final class BackendSelection {

  private final List<BackendConfig> configured;

  public BackendSelection(List<BackendConfig> configured) {
    this.configured = List.copyOf(configured);
  }

  public List<BackendConfig> candidates(String model) {
    return configured.stream().filter(b -> b.serves(model)).toList();
  }

  public List<BackendConfig> configured() {
    return configured;
  }
}
