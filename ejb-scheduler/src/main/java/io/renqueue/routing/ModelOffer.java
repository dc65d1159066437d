package io.renqueue.routing;

import java.util.Set;

/**
 * A model a backend serves under a name clients use.
 *
 * @param alias the name in requests ({@code model})
 * @param upstream the name the backend itself knows the model by
 * @param contextWindow prompt + answer tokens the model accepts
 * @param maxOutput the most tokens it answers with
 * @param quality a relative rank (1–10) for the {@code quality} policy
 */
public record ModelOffer(
    String alias,
    String upstream,
    int contextWindow,
    int maxOutput,
    Set<Feature> features,
    int quality) {

  public static final int DEFAULT_CONTEXT = 8192;
  public static final int DEFAULT_MAX_OUTPUT = 4096;
  public static final int DEFAULT_QUALITY = 5;

  public ModelOffer {
    features = Set.copyOf(features);
  }

  /** A wildcard offer ({@code *}) serves any requested model under its own name. */
  public boolean isWildcard() {
    return alias.equals("*");
  }

  public boolean serves(String model) {
    return isWildcard() || alias.equals(model);
  }

  public String upstreamFor(String model) {
    return isWildcard() ? model : upstream;
  }
}
