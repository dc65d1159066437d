package io.renqueue.tasks;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tenant ids. A caller names its tenant (the {@code X-Tenant} header, the {@code renqueue_tenant}
 * JMS property); without one its tasks belong to {@link #DEFAULT}. The name is trusted as given:
 * put an authenticating gateway in front when callers must not speak for each other.
 */
public final class Tenants {

  public static final String DEFAULT = "default";

  /** Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private Tenants() {}

  /**
   * The tenant a caller named, {@link #DEFAULT} when it named none, or empty when the name is not a
   * valid id.
   */
  public static Optional<String> resolve(String named) {
    if (named == null || named.isBlank()) {
      return Optional.of(DEFAULT);
    }
    String id = named.trim();
    return ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
  }

  public static String describeRule() {
    return "a tenant id is 1 to 64 characters: lower-case letters, digits, '.', '_' or '-',"
        + " starting with a letter or digit";
  }
}
